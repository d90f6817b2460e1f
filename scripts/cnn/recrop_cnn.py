#!/usr/bin/python3
"""Copies a trained model folder (train_cnn.py's or ensemble_cnn.py's) with another number of test-time crops.

    /usr/bin/python3 scripts/cnn/recrop_cnn.py --from cnn/model --data ravdess.npz --test-crops 1 --out cnn/model-1crop

Test-time crops only decide how a clip is scored: training never uses them, so the weights are those of a net trained
with the new count. The copy's checkpoint and sidecar carry the new count, its validation score is computed again
with it (on the same validation speakers), and the training record is kept as it was. Writes into a temporary folder
and renames it.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emotion_cnn as ec  # noqa: E402
from train_cnn import validation_scores  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--from", dest="source", required=True, help="a model folder (model.pt, model.json)")
    p.add_argument("--data", required=True, help="the `emotionml logmel` .npz it was trained on (for the validation score)")
    p.add_argument("--test-crops", type=int, required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    if a.test_crops < 1:
        sys.exit("recrop_cnn: --test-crops must be at least 1")
    with open(os.path.join(a.source, "model.json")) as h:
        sidecar = json.load(h)
    checkpoint = torch.load(os.path.join(a.source, "model.pt"), map_location="cpu")
    for part in checkpoint["members"] if "members" in checkpoint else [checkpoint]:
        part["test_crops"] = a.test_crops
    model, frames, _ = ec.model_from_checkpoint(checkpoint)
    bands = sidecar["input"]["shape"][2]
    sidecar["testCrops"] = a.test_crops
    val = set(sidecar["training"].get("validationSpeakers", []))
    sidecar["scores"] = validation_scores(model, ec.load_npz(a.data), val, frames, a.test_crops) if val else {}
    ec.write_model_folder(a.out, model, bands, frames, checkpoint, sidecar)
    print(f"wrote {a.out} ({a.test_crops} test-time crops)", flush=True)


if __name__ == "__main__":
    main()
