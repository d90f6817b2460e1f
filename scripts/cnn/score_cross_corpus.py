#!/usr/bin/python3
"""Scores CNN model folders on another corpus's log-mel export, the labels mapped into the common set as
`emotionml evaluate` maps them (a clip whose label has no counterpart, EmoDB's boredom, is dropped; a prediction of
calm is read as neutral), and prints each model's accuracy and macro-F1 (over the classes the kept clips hold) and
their means. artifacts/README.md (session 15) used it to compare how two recipes' six nets each (five outer folds and
the final model of a nested run) transfer from RAVDESS to EmoDB.

    /usr/bin/python3 scripts/cnn/score_cross_corpus.py --data emodb.npz --models fold1,...,final \
        [--test-crops N] [--out scores.json]

The models are scored as they are (CNN alone, their own test-time crops unless --test-crops says); no clip of the
export is used for anything but scoring.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emotion_cnn as ec  # noqa: E402
from train_cnn import predict  # noqa: E402

COMMON = ["neutral", "happy", "sad", "angry", "fearful", "disgust", "surprised"]


def common(label):
    """The common label for a corpus or model label, or None (CommonLabels.Map in .NET, calm merged into neutral)."""
    if label == "calm":
        return "neutral"
    return label if label in COMMON else None


def metrics(truth, predicted):
    """Accuracy and macro-F1 over the classes present in `truth` (ClassificationMetrics in .NET)."""
    truth, predicted = np.asarray(truth), np.asarray(predicted)
    f1 = []
    for c in sorted(set(truth.tolist())):
        tp = np.sum((truth == c) & (predicted == c))
        precision = tp / max(1, np.sum(predicted == c))
        recall = tp / max(1, np.sum(truth == c))
        f1.append(0.0 if tp == 0 else 2 * precision * recall / (precision + recall))
    return float(np.mean(truth == predicted)), float(np.mean(f1))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="an `emotionml logmel` .npz of the other corpus")
    p.add_argument("--models", required=True, help="comma-separated model folders (model.pt, model.json)")
    p.add_argument("--test-crops", type=int, default=None, help="crops per clip (default: each checkpoint's)")
    p.add_argument("--out", default="", help="a JSON file for the per-model figures")
    a = p.parse_args()
    torch.set_num_threads(1)
    data = ec.load_npz(a.data)
    names = data["label_names"]
    keep = [i for i, label in enumerate(data["labels"]) if common(names[label]) is not None]
    if not keep:
        sys.exit("score_cross_corpus: no clip of the export has a label in the common set")
    truth = [common(names[data["labels"][i]]) for i in keep]
    dropped = sorted({names[label] for label in data["labels"]} - {names[data["labels"][i]] for i in keep})
    print(f"{len(keep)} comparable clips of {len(data['labels'])}; dropped: {', '.join(dropped) or 'none'}")
    results = []
    for folder in [f for f in a.models.split(",") if f]:
        with open(os.path.join(folder, "model.json")) as h:
            side = json.load(h)
        model, frames, crops = ec.load_checkpoint(os.path.join(folder, "model.pt"))
        probs = predict(model, [data["clips"][i] for i in keep], frames, a.test_crops or crops, "cpu")
        predicted = [common(side["labels"][int(k)]) or side["labels"][int(k)] for k in probs.argmax(1)]
        accuracy, macro_f1 = metrics(truth, predicted)
        held = side.get("training", {}).get("excludedSpeakers") or []
        results.append({"model": os.path.basename(os.path.normpath(folder)), "heldOut": held,
                        "crops": a.test_crops or crops, "accuracy": round(accuracy, 6), "macroF1": round(macro_f1, 6)})
        print(f"{results[-1]['model'][:12]}  held out {','.join(held) or 'none':<44} accuracy {accuracy:.3f}  macro-F1 {macro_f1:.3f}")
    mean_acc = float(np.mean([r["accuracy"] for r in results]))
    mean_f1 = float(np.mean([r["macroF1"] for r in results]))
    print(f"mean over {len(results)} models: accuracy {mean_acc:.4f}, macro-F1 {mean_f1:.4f}")
    if a.out:
        tmp = a.out + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"clips": len(keep), "dropped": dropped, "models": results,
                       "meanAccuracy": round(mean_acc, 6), "meanMacroF1": round(mean_f1, 6)}, f, indent=2)
        os.replace(tmp, a.out)


if __name__ == "__main__":
    main()
