#!/usr/bin/python3
"""Trains EmotionML's log-mel CNN on an `emotionml logmel` export and writes model.onnx + model.json (sidecar).

    /usr/bin/python3 scripts/cnn/train_cnn.py --data ravdess.npz --out artifacts/cnn/ravdess \
        --val-speakers ravdess:18,ravdess:19,ravdess:20 --epochs 30

Only the speakers given are used: --train-speakers (default: every speaker not in --val-speakers or
--exclude-speakers) for training and augmentation, --val-speakers for the validation score reported in the
sidecar (the schedule is fixed: nothing is chosen on them here). Seeded; CPU by default (a GPU when --device cuda).
Writes into a temporary folder and renames it, so a killed run leaves no half model behind.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emotion_cnn as ec  # noqa: E402

WIDTHS = {"compact": ((24, 48, 96, 128), 1), "wide": ((32, 64, 128, 256), 2)}


def parse():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="an `emotionml logmel` .npz")
    p.add_argument("--out", required=True, help="output folder (model.onnx, model.json, model.pt)")
    p.add_argument("--train-speakers", default="", help="comma-separated; default: all not validation/excluded")
    p.add_argument("--val-speakers", default="", help="comma-separated validation speakers (scored, never trained on)")
    p.add_argument("--exclude-speakers", default="", help="comma-separated speakers never touched (held-out test speakers)")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--weight-decay", type=float, default=1e-2)
    p.add_argument("--mixup", type=float, default=0.4)
    p.add_argument("--warp", type=float, default=0.0,
                   help="vocal-tract-length perturbation: each training crop's frequencies scaled by a factor drawn "
                        "uniformly from [1 - warp, 1 + warp] (0: off)")
    p.add_argument("--frames", type=int, default=256, help="crop length in frames (the ONNX input's time axis)")
    p.add_argument("--test-crops", type=int, default=3, help="crops averaged at prediction time")
    p.add_argument("--width", choices=sorted(WIDTHS), default="compact")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: all cores)")
    p.add_argument("--device", default="cpu")
    p.add_argument("--precision", choices=["auto", "fp32", "bf16"], default="fp32",
                   help="arithmetic of the training steps: bf16 autocast (weights, optimiser and exported model stay "
                        "float32) or fp32; auto: bf16 where the CPU computes it natively (avx512_bf16 or amx_bf16)")
    p.add_argument("--limit", type=int, default=0, help="use only the first N training clips (smoke tests)")
    return p.parse_args()


def split_list(s):
    return [x for x in s.split(",") if x]


def native_bf16():
    """True when this CPU has bfloat16 instructions (Linux: avx512_bf16 or amx_bf16 in /proc/cpuinfo), where oneDNN's
    bf16 convolutions are native; elsewhere they are emulated and slower than float32."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def resolve_precision(precision, device):
    if precision == "auto":
        return "bf16" if device == "cpu" and native_bf16() else "fp32"
    return precision


def augment(clip, frames, rng, warp, sample_rate):
    """A random crop, frequency-warped (vocal-tract-length perturbation) when `warp` > 0, with two time masks and
    two frequency masks (SpecAugment-style) filled with the crop's mean."""
    n = clip.shape[1]
    start = rng.integers(0, n - frames + 1) if n > frames else 0
    x = ec.fit_frames(clip, frames, start).copy()
    if warp > 0:
        x = ec.warp_bands(x, float(rng.uniform(1 - warp, 1 + warp)), sample_rate)
    fill = x.mean()
    for _ in range(2):
        w = rng.integers(0, frames // 8 + 1)
        t0 = rng.integers(0, frames - w + 1)
        x[:, t0:t0 + w] = fill
    for _ in range(2):
        w = rng.integers(0, x.shape[0] // 8 + 1)
        f0 = rng.integers(0, x.shape[0] - w + 1)
        x[f0:f0 + w, :] = fill
    return x


def predict(model, clips, frames, crops, device):
    """Mean softmax probabilities over the test crops of each clip (the same crops .NET scores)."""
    model.eval()
    out = []
    with torch.no_grad():
        for clip in clips:
            starts = ec.test_crop_starts(clip.shape[1], frames, crops)
            batch = np.stack([ec.fit_frames(clip, frames, s) for s in starts])[:, None]
            p = model(torch.from_numpy(batch).to(device)).double().mean(dim=0)
            out.append(p.cpu().numpy())
    return np.array(out)


def validation_scores(model, data, speakers, frames, crops):
    """The sidecar's `scores`: accuracy on the clips of `speakers` (each scored as the mean over `crops` test crops),
    or {} when there are none. Shared by train_cnn, ensemble_cnn and recrop_cnn."""
    idx = [i for i, s in enumerate(data["speakers"]) if s in speakers]
    if not idx:
        return {}
    p = predict(model, [data["clips"][i] for i in idx], frames, crops, "cpu")
    acc = float((p.argmax(1) == data["labels"][idx]).mean())
    return {"validationAccuracy": round(acc, 6), "validationClips": len(idx)}


def main():
    a = parse()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    else:
        torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(a.seed)
    precision = resolve_precision(a.precision, a.device)
    # bf16 autocast: convolutions and the head run in bfloat16 (oneDNN), their results in float32 where it matters
    # (losses, batch-norm statistics, the optimiser's weights). On CPUs with native bf16 (avx512_bf16) a step of the
    # compact net costs less than half of float32's (0.14 against 0.30-0.34 s for a batch of 32, torch 1.13, 2 cores).
    def autocast():
        if a.device == "cpu":
            return torch.cpu.amp.autocast(enabled=precision == "bf16", dtype=torch.bfloat16)
        return torch.autocast(a.device, enabled=precision == "bf16", dtype=torch.bfloat16)
    rng = np.random.default_rng(a.seed)
    data = ec.load_npz(a.data)
    speakers = data["speakers"]
    val = set(split_list(a.val_speakers))
    excluded = set(split_list(a.exclude_speakers))
    train = set(split_list(a.train_speakers)) or (set(speakers) - val - excluded)
    if train & (val | excluded):
        sys.exit("train_cnn: a training speaker is also a validation or excluded speaker")
    train_idx = [i for i, s in enumerate(speakers) if s in train]
    if a.limit:
        train_idx = train_idx[:a.limit]
    if not train_idx:
        sys.exit("train_cnn: no training clips")
    classes = len(data["label_names"])
    bands = data["clips"][0].shape[0]
    widths, convs = WIDTHS[a.width]
    # channels_last: oneDNN's convolutions run about a quarter faster per epoch on CPU in this layout (measured on
    # 2 cores, torch 1.13: 8.5 against 11.5 s per epoch of 780 clips); the model and what it computes are the same,
    # only the order of the convolutions' sums differs.
    net = ec.EmotionCnn(classes, bands, widths, convs).to(a.device, memory_format=torch.channels_last)
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    steps = max(1, (len(train_idx) + a.batch - 1) // a.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=a.lr, total_steps=a.epochs * steps)
    loss_fn = nn.CrossEntropyLoss()
    clips, labels = data["clips"], data["labels"]
    rate = int(data["config"]["sampleRate"])
    started = time.time()
    for epoch in range(a.epochs):
        net.train()
        order = rng.permutation(train_idx)
        total, seen = 0.0, 0
        for b in range(steps):
            idx = order[b * a.batch:(b + 1) * a.batch]
            if len(idx) == 0:
                continue
            x = torch.from_numpy(np.stack([augment(clips[i], a.frames, rng, a.warp, rate) for i in idx])[:, None]).to(
                a.device, memory_format=torch.channels_last)
            y = torch.from_numpy(labels[idx]).to(a.device)
            with autocast():
                if a.mixup > 0 and len(idx) > 1:
                    lam = float(rng.beta(a.mixup, a.mixup))
                    perm = torch.from_numpy(rng.permutation(len(idx))).to(a.device)
                    logits = net(lam * x + (1 - lam) * x[perm]).float()
                    loss = lam * loss_fn(logits, y) + (1 - lam) * loss_fn(logits, y[perm])
                else:
                    loss = loss_fn(net(x).float(), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
            seen += len(idx)
        print(f"epoch {epoch + 1}/{a.epochs} loss {total / max(seen, 1):.4f} {time.time() - started:.0f}s", flush=True)
    seconds = time.time() - started

    model = ec.Probabilities(net).to("cpu", memory_format=torch.contiguous_format).eval()
    scores = validation_scores(model, data, val, a.frames, a.test_crops)
    if scores:
        print(f"validation accuracy {scores['validationAccuracy']:.4f} on {scores['validationClips']} clips of {len(val)} speakers", flush=True)

    data_sha = ec.file_sha256(a.data)
    sidecar = {
        "format": "emotionml-cnn",
        "formatVersion": 1,
        "input": {"name": "logmel", "shape": [-1, 1, bands, a.frames], "units": "dB (power, ref 1.0, top_db floor)"},
        "output": {"name": "probabilities", "kind": "softmax"},
        "labels": data["label_names"],
        "logMel": data["config"],
        "normalisation": "per clip and band over time, inside the graph",
        "testCrops": a.test_crops,
        "training": {
            "recipe": ec.RECIPE_VERSION,
            "data": os.path.basename(a.data),
            "dataSha256": data_sha,
            "trainSpeakers": sorted(train),
            "validationSpeakers": sorted(val),
            "excludedSpeakers": sorted(excluded),
            "clips": len(train_idx),
            "epochs": a.epochs,
            "batch": a.batch,
            "learningRate": a.lr,
            "mixup": a.mixup,
            "warp": a.warp,
            "width": a.width,
            "seed": a.seed,
            "threads": torch.get_num_threads(),
            "device": a.device,
            "precision": precision,
            "seeds": 1,
            "seconds": round(seconds, 1),
            "torch": torch.__version__,
        },
        "scores": scores,
    }
    checkpoint = {"state": net.state_dict(), "classes": classes, "bands": bands, "widths": list(widths), "convs": convs,
                  "frames": a.frames, "test_crops": a.test_crops}
    ec.write_model_folder(a.out, model, bands, a.frames, checkpoint, sidecar)
    print(f"wrote {a.out} ({seconds:.0f}s training)", flush=True)


if __name__ == "__main__":
    main()
