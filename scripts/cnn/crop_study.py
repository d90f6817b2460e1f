#!/usr/bin/python3
"""Accuracy of trained CNNs on the speakers each one left out, by the number of test-time crops averaged.

Point it at the outer-fold CNNs of a nested run (their sidecars name the excluded speakers, which are the fold's
held-out speakers) and at the log-mel export they were trained on; it scores every excluded clip with 1, 3 and 5
evenly spaced 256-frame crops and prints per-fold and pooled accuracy. This is the figure behind the engine's
CnnTestCrops trade-off (README, benchmarks/README.md).

    /usr/bin/python3 scripts/cnn/crop_study.py --data ~/.cache/emotionml/cnn/data/<hash>.npz \
        --models ~/.cache/emotionml/cnn/models/<fold0> ~/.cache/emotionml/cnn/models/<fold1> ...
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emotion_cnn as ec  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="the emotionml logmel export the models were trained on")
    p.add_argument("--models", required=True, nargs="+", help="model folders (model.pt + model.json), one per outer fold")
    p.add_argument("--crops", default="1,3,5", help="crop counts to compare")
    a = p.parse_args()
    torch.set_num_threads(1)
    data = ec.load_npz(a.data)
    speakers = np.array(data["speakers"])
    counts = [int(c) for c in a.crops.split(",")]
    totals = {c: [0, 0] for c in counts}
    for folder in a.models:
        sidecar = json.load(open(os.path.join(folder, "model.json")))
        held = set(sidecar["training"]["excludedSpeakers"])
        if not held:
            sys.exit(f"{folder} excluded no speaker: it is not an outer fold's model")
        model, frames, _ = ec.load_checkpoint(os.path.join(folder, "model.pt"))
        idx = [i for i in range(len(speakers)) if speakers[i] in held]
        line = []
        with torch.no_grad():
            for c in counts:
                correct = 0
                for i in idx:
                    clip = data["clips"][i]
                    starts = ec.test_crop_starts(clip.shape[1], frames, c)
                    batch = np.stack([ec.fit_frames(clip, frames, s) for s in starts])[:, None]
                    correct += int(model(torch.from_numpy(batch)).numpy().mean(0).argmax() == data["labels"][i])
                totals[c][0] += correct
                totals[c][1] += len(idx)
                line.append(f"{c} crop(s) {correct / len(idx):.3f}")
        print(f"{os.path.basename(folder)} (held out {', '.join(sorted(held))}): " + ", ".join(line), flush=True)
    print("pooled: " + ", ".join(f"{c} crop(s) {r / n:.4f} ({r}/{n})" for c, (r, n) in totals.items()))


if __name__ == "__main__":
    main()
