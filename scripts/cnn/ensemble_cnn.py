#!/usr/bin/python3
"""Averages CNNs trained by train_cnn.py with different seeds or widths into one ONNX model (model.onnx + model.json).

    /usr/bin/python3 scripts/cnn/ensemble_cnn.py --data ravdess.npz --members cnn/seed0,cnn/seed1 --out cnn/ensemble

The members must share labels, input shape, test crops and everything in their training record but the seed, the
width and the training time (same speakers, data, recipe, epochs, warp, precision), and no two may share both seed
and width. The exported graph runs every member on the same crops and returns the mean of their softmax
probabilities, so .NET scores it exactly as it scores one net (at the members' total cost). The sidecar records
`seeds` (distinct seeds) and `width` (the members' distinct widths joined by "+", e.g. "compact+wide").
Writes into a temporary folder and renames it.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emotion_cnn as ec  # noqa: E402
from train_cnn import validation_scores  # noqa: E402

# Training-record fields that may differ between members (everything else must be equal). Excluded speakers are
# only recorded (a member never trains on anyone but its training speakers): the ensemble records their union.
PER_MEMBER = {"seed", "width", "seconds", "threads", "excludedSpeakers"}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="the `emotionml logmel` .npz the members were trained on")
    p.add_argument("--members", required=True, help="comma-separated folders written by train_cnn.py")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    folders = [f for f in a.members.split(",") if f]
    if len(folders) < 2:
        sys.exit("ensemble_cnn: give at least two members")
    sidecars = []
    for f in folders:
        with open(os.path.join(f, "model.json")) as h:
            sidecars.append(json.load(h))
    first = sidecars[0]
    for s in sidecars[1:]:
        for key in ("labels", "input", "logMel", "testCrops"):
            if s[key] != first[key]:
                sys.exit(f"ensemble_cnn: members differ in {key}")
        keys = (set(s["training"]) | set(first["training"])) - PER_MEMBER
        differing = sorted(k for k in keys if s["training"].get(k) != first["training"].get(k))
        if differing:
            sys.exit(f"ensemble_cnn: members differ in their training record beyond the seed: {', '.join(differing)}")
    if len({(s["training"]["seed"], s["training"]["width"]) for s in sidecars}) != len(sidecars):
        sys.exit("ensemble_cnn: two members share a seed and a width")

    # The members' checkpoints, read once: the averaged model is built from them and saved as one model.pt, which
    # emotion_cnn.load_checkpoint (score_cnn.py) rebuilds exactly.
    checkpoint = {"members": [torch.load(os.path.join(f, "model.pt"), map_location="cpu") for f in folders]}
    model = ec.model_from_checkpoint(checkpoint)[0]
    bands, frames = first["input"]["shape"][2], first["input"]["shape"][3]

    training = dict(first["training"])
    widths = list(dict.fromkeys(s["training"]["width"] for s in sidecars))
    training["seeds"] = len({s["training"]["seed"] for s in sidecars})
    training["width"] = "+".join(widths)
    training["excludedSpeakers"] = sorted(set().union(*(s["training"]["excludedSpeakers"] for s in sidecars)))
    training["seconds"] = round(sum(s["training"]["seconds"] for s in sidecars), 1)
    training["members"] = [{"seed": s["training"]["seed"], "width": s["training"]["width"], "seconds": s["training"]["seconds"],
                            "scores": s.get("scores", {})} for s in sidecars]
    val = set(training["validationSpeakers"])
    scores = validation_scores(model, ec.load_npz(a.data), val, frames, first["testCrops"]) if val else {}
    if scores:
        print(f"ensemble validation accuracy {scores['validationAccuracy']:.4f} on {scores['validationClips']} clips", flush=True)

    sidecar = dict(first)
    sidecar["training"] = training
    sidecar["scores"] = scores
    ec.write_model_folder(a.out, model, bands, frames, checkpoint, sidecar)
    print(f"wrote {a.out} ({len(folders)} members)", flush=True)


if __name__ == "__main__":
    main()
