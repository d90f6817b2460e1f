#!/usr/bin/python3
"""Scores each outer fold's CNN on that fold's held-out speakers and writes the predictions in the layout of a nested
report's nested-predictions.csv (the CNN alone: `predicted` is its top label, `p:` and `cnn:` its probabilities), so
that scripts/compare_nested.py can pair it with a nested run. artifacts/README.md used it to score the compact nets of
one run against the wide nets of another on the same held-out clips.

    /usr/bin/python3 scripts/cnn/score_folds.py --data ravdess.npz --models fold1,fold2,... --out compact.csv
    /usr/bin/python3 scripts/cnn/score_folds.py --data ravdess.npz --cache ~/.cache/emotionml/cnn/models \
        --match width=compact,precision=bf16,seed=0,seeds=1,epochs=60,warp=0.0 --out compact.csv

Each model folder (written by train_cnn.py or ensemble_cnn.py) names its held-out speakers in its sidecar
(`training.excludedSpeakers`); fold k is the k-th folder given. With --cache instead of --models, the folds are the
cached models trained on this very export (its SHA-256) whose training record has every --match value and that held
speakers out (the selection nets of a nested run's outer folds; refitted nets have no validation speakers and are
skipped), in the order of their first held-out speaker. Test-time crops as in the checkpoint unless --test-crops says.
"""
import argparse
import csv
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emotion_cnn as ec  # noqa: E402
from train_cnn import predict  # noqa: E402


def find_folds(cache, match, data):
    """Cached fold models of this export whose training record matches, ordered by their first held-out speaker."""
    sha = ec.file_sha256(data)
    wanted = dict(pair.split("=", 1) for pair in match.split(",") if pair)
    found = []
    for name in sorted(os.listdir(cache)) if cache else []:
        try:
            with open(os.path.join(cache, name, "model.json")) as h:
                t = json.load(h)["training"]
        except (OSError, ValueError, KeyError):
            continue
        if (t.get("dataSha256") == sha and t.get("excludedSpeakers") and t.get("validationSpeakers")
                and all(str(t.get(k)) == v for k, v in wanted.items())):
            found.append((sorted(t["excludedSpeakers"])[0], os.path.join(cache, name)))
    return [folder for _, folder in sorted(found)]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="an `emotionml logmel` .npz holding every fold's held-out clips")
    p.add_argument("--models", default="", help="comma-separated model folders, one per outer fold, in fold order")
    p.add_argument("--cache", default="", help="a model cache folder to find the fold models in (with --match)")
    p.add_argument("--match", default="", help="comma-separated key=value pairs the training record must hold")
    p.add_argument("--out", required=True, help="the CSV to write")
    p.add_argument("--test-crops", type=int, default=None, help="crops per clip (default: each checkpoint's)")
    a = p.parse_args()
    torch.set_num_threads(1)
    data = ec.load_npz(a.data)
    names = data["label_names"]
    rows, seen = [], set()
    folders = [f for f in a.models.split(",") if f] or find_folds(a.cache, a.match, a.data)
    if not folders:
        sys.exit("score_folds: no fold models given or found")
    for fold, folder in enumerate(folders, start=1):
        with open(os.path.join(folder, "model.json")) as h:
            side = json.load(h)
        if side["labels"] != names:
            sys.exit(f"score_folds: {folder} has other labels than the export")
        held = set(side["training"]["excludedSpeakers"])
        if held & seen:
            sys.exit(f"score_folds: {folder} holds out a speaker another fold already did")
        seen |= held
        model, frames, crops = ec.load_checkpoint(os.path.join(folder, "model.pt"))
        idx = [i for i, s in enumerate(data["speakers"]) if s in held]
        if not idx:
            sys.exit(f"score_folds: the export has no clip of {folder}'s held-out speakers")
        probs = predict(model, [data["clips"][i] for i in idx], frames, a.test_crops or crops, "cpu")
        rows += [(data["paths"][i], data["speakers"][i], fold, names[data["labels"][i]], pr) for i, pr in zip(idx, probs)]
    tmp = a.out + ".tmp"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["clip", "speaker", "fold", "label", "predicted"] + ["p:" + n for n in names] + ["cnn:" + n for n in names])
        for clip, speaker, fold, label, pr in rows:
            values = [f"{x:.6g}" for x in pr]
            w.writerow([clip, speaker, fold, label, names[int(np.argmax(pr))]] + values + values)
    os.replace(tmp, a.out)
    accuracy = np.mean([names[int(np.argmax(pr))] == label for _, _, _, label, pr in rows])
    print(f"{len(rows)} held-out clips over {fold} folds: accuracy {accuracy:.4f}")


if __name__ == "__main__":
    main()
