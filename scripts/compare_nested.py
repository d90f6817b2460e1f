"""Paired comparison of two nested runs on the same clips (artifacts/README.md uses it for the refit experiment).

    /usr/bin/python3 scripts/compare_nested.py A/nested-predictions.csv B/nested-predictions.csv

For the chosen model and the CNN alone (when the CSVs have its columns): pooled and per-fold accuracy of A and B,
the clips only one of them gets right with an exact two-sided McNemar test, and a 95 % interval for B - A from
4,000 bootstrap resamples of whole speakers (clips of one speaker are not independent, so speakers are resampled).
"""
import csv, sys, math, random
def load(p):
    rows = {r["clip"]: r for r in csv.DictReader(open(p))}
    labels = [k[2:] for k in next(iter(rows.values())) if k.startswith("p:")]
    out = {}
    for c, r in rows.items():
        cnn = [float(r["cnn:" + l]) for l in labels] if "cnn:" + labels[0] in r and r["cnn:" + labels[0]] else None
        out[c] = dict(speaker=r["speaker"], fold=r["fold"], label=r["label"], chosen=r["predicted"],
                      cnn=labels[max(range(len(labels)), key=lambda i: cnn[i])] if cnn else None)
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
clips = sorted(set(a) & set(b)); assert len(clips) == len(a) == len(b), (len(a), len(b), len(clips))
for part in ("chosen", "cnn"):
    if any(a[c][part] is None or b[c][part] is None for c in clips):
        continue
    ok_a = {c: a[c][part] == a[c]["label"] for c in clips}; ok_b = {c: b[c][part] == b[c]["label"] for c in clips}
    acc_a = sum(ok_a.values()) / len(clips); acc_b = sum(ok_b.values()) / len(clips)
    folds = sorted({a[c]["fold"] for c in clips})
    per = [(f, sum(ok_a[c] for c in clips if a[c]["fold"] == f) / sum(1 for c in clips if a[c]["fold"] == f),
               sum(ok_b[c] for c in clips if a[c]["fold"] == f) / sum(1 for c in clips if a[c]["fold"] == f)) for f in folds]
    n01 = sum(1 for c in clips if not ok_a[c] and ok_b[c]); n10 = sum(1 for c in clips if ok_a[c] and not ok_b[c])
    n = n01 + n10; k = min(n01, n10)
    p = min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n) if n else 1.0
    speakers = sorted({a[c]["speaker"] for c in clips}); by = {s: [c for c in clips if a[c]["speaker"] == s] for s in speakers}
    rng = random.Random(0); diffs = []
    for _ in range(4000):
        pick = [c for s in rng.choices(speakers, k=len(speakers)) for c in by[s]]
        diffs.append((sum(ok_b[c] for c in pick) - sum(ok_a[c] for c in pick)) / len(pick))
    diffs.sort()
    print(f"{part}: A {acc_a:.4f} B {acc_b:.4f} diff {acc_b - acc_a:+.4f}; per fold " + ", ".join(f"{f}: {x:.3f}->{y:.3f}" for f, x, y in per)
          + f"; B right/A wrong {n01}, A right/B wrong {n10}, McNemar p={p:.3f}; speaker bootstrap 95% [{diffs[100]:+.4f}, {diffs[3899]:+.4f}]")
