#!/usr/bin/python3
"""Scores an `emotionml logmel` export with a trained model.pt (one net or a seed ensemble) in PyTorch (test-time crops averaged) and writes
the probabilities as JSON: {"paths": [...], "probabilities": [[...], ...]}. The .NET tests compare these with
what EmotionML computes through the ONNX import.

    /usr/bin/python3 scripts/cnn/score_cnn.py --model artifacts/cnn/ravdess/model.pt --data clips.npz --out p.json
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emotion_cnn as ec  # noqa: E402
from train_cnn import predict  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--test-crops", type=int, default=None, help="crops per clip (default: the checkpoint's)")
    a = p.parse_args()
    torch.set_num_threads(1)
    model, frames, crops = ec.load_checkpoint(a.model)
    data = ec.load_npz(a.data)
    probs = predict(model, data["clips"], frames, a.test_crops or crops, "cpu")
    with open(a.out, "w") as f:
        json.dump({"paths": data["paths"], "probabilities": probs.tolist()}, f)


if __name__ == "__main__":
    main()
