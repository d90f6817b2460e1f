"""The compact log-mel CNN of EmotionML and the data helpers its trainer and scorer share.

Input: raw log-mel dB, shape [batch, 1, bands, frames], exactly as EmotionML's .NET code computes it
(`emotionml logmel` exports the same tensors). Per-clip, per-band normalisation happens inside the network so
that the exported ONNX graph takes the dB values as they are and no normalisation constants can drift between
Python and .NET.
"""
import hashlib
import json
import os
import shutil

import numpy as np
import torch
from torch import nn

# Bump when the architecture, the normalisation or the training recipe changes: it is part of every sidecar and
# of the .NET trainer's cache key, so a cached fold model is never reused across recipes.
# 2: trained in the channels_last memory layout (same net and schedule as 1; the convolutions sum in another order).
# 3: adds optional vocal-tract-length perturbation (a random frequency warp of each training crop, `warp_bands`;
#    the trainer's --warp, off by default).
RECIPE_VERSION = 3


class ConvBlock(nn.Module):
    def __init__(self, cin, cout, convs, pool):
        super().__init__()
        layers = []
        for i in range(convs):
            layers += [nn.Conv2d(cin if i == 0 else cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
        self.body = nn.Sequential(*layers)
        self.pool = nn.MaxPool2d(pool)

    def forward(self, x):
        return self.pool(self.body(x))


class EmotionCnn(nn.Module):
    """Conv blocks (batch norm, max-pooling over frequency and time), then mean + max pooling over time."""

    def __init__(self, classes, bands=64, widths=(24, 48, 96, 128), convs_per_block=1, dropout=0.3):
        super().__init__()
        blocks, cin = [], 1
        for i, w in enumerate(widths):
            # The last block pools frequency only, keeping time resolution for the temporal pooling.
            blocks.append(ConvBlock(cin, w, convs_per_block, (2, 2) if i < len(widths) - 1 else (2, 1)))
            cin = w
        self.blocks = nn.Sequential(*blocks)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(2 * cin, classes)

    def forward(self, x):
        # Per-clip, per-band normalisation over time (population std, as numpy's default).
        mean = x.mean(dim=3, keepdim=True)
        std = ((x - mean) ** 2).mean(dim=3, keepdim=True).sqrt()
        x = (x - mean) / (std + 1e-5)
        x = self.blocks(x)            # [B, C, F', T']
        x = x.mean(dim=2)             # over frequency: [B, C, T']
        x = torch.cat([x.mean(dim=2), x.amax(dim=2)], dim=1)
        return self.head(self.dropout(x))


class Probabilities(nn.Module):
    """What is exported: softmax probabilities, so ONNX and PyTorch are compared on the same quantity."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return torch.softmax(self.net(x), dim=1)


class MeanOfMembers(nn.Module):
    """A seed ensemble: the mean of its members' probabilities (each a `Probabilities`)."""

    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, x):
        return torch.stack([m(x) for m in self.members]).mean(dim=0)


def load_checkpoint(path):
    """A model.pt written by train_cnn.py (one net) or ensemble_cnn.py ({"members": [...]}) as an eval-mode module
    returning probabilities, with the checkpoint's crop length and test crops."""
    return model_from_checkpoint(torch.load(path, map_location="cpu"))


def model_from_checkpoint(ck):
    """`load_checkpoint` for a checkpoint already in memory."""
    parts = ck["members"] if "members" in ck else [ck]
    nets = []
    for part in parts:
        net = EmotionCnn(part["classes"], part["bands"], tuple(part["widths"]), part["convs"])
        net.load_state_dict(part["state"])
        nets.append(Probabilities(net).eval())
    model = nets[0] if len(nets) == 1 else MeanOfMembers(nets).eval()
    return model, parts[0]["frames"], parts[0]["test_crops"]


def write_model_folder(out, model, bands, frames, checkpoint, sidecar):
    """Writes model.onnx (opset 13, input `logmel` [batch, 1, bands, frames], output `probabilities`), model.pt and
    model.json into a temporary folder, checks the graph, then renames the folder to `out`: a killed run leaves no
    half model behind."""
    tmp = out.rstrip("/") + f".tmp{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    torch.onnx.export(model, torch.zeros(1, 1, bands, frames), os.path.join(tmp, "model.onnx"), opset_version=13,
                      input_names=["logmel"], output_names=["probabilities"],
                      dynamic_axes={"logmel": {0: "batch"}, "probabilities": {0: "batch"}})
    import onnx
    onnx.checker.check_model(onnx.load(os.path.join(tmp, "model.onnx")))
    torch.save(checkpoint, os.path.join(tmp, "model.pt"))
    with open(os.path.join(tmp, "model.json"), "w") as f:
        json.dump(sidecar, f, indent=2)
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)


def file_sha256(path):
    """An export's identity: the SHA-256 of its bytes, as train_cnn.py records it (`training.dataSha256`)."""
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def load_npz(path):
    """Reads an `emotionml logmel` export: per-clip [frames, bands] arrays, labels, speakers and the config."""
    z = np.load(path, allow_pickle=False)
    offsets = z["offsets"].astype(np.int64)
    mel = z["logmel"]
    clips = [mel[offsets[i]:offsets[i + 1]].astype(np.float32).T.copy() for i in range(len(offsets) - 1)]
    return {
        "clips": clips,  # each [bands, frames]
        "labels": z["labels"].astype(np.int64),
        "label_names": [str(s) for s in z["label_names"]],
        "speakers": [str(s) for s in z["speakers"]],
        "paths": [str(s) for s in z["paths"]],
        "config": json.loads(str(z["config"][0])),
    }


_SLANEY_LOG_STEP = np.log(6.4) / 27.0  # mels per e-fold above 1 kHz, as librosa's hz_to_mel(htk=False)


def slaney_mel(f):
    """Hz to Slaney mels (librosa's default, htk=False): linear below 1 kHz (15 mels), logarithmic above."""
    f = np.asarray(f, dtype=np.float64)
    return np.where(f < 1000.0, f / (200.0 / 3), 15.0 + np.log(np.maximum(f, 1e-9) / 1000.0) / _SLANEY_LOG_STEP)


def slaney_hz(m):
    """Slaney mels to Hz, the inverse of `slaney_mel`."""
    m = np.asarray(m, dtype=np.float64)
    return np.where(m < 15.0, m * (200.0 / 3), 1000.0 * np.exp(_SLANEY_LOG_STEP * (m - 15.0)))


def band_centres(bands, sample_rate):
    """Centre frequencies (Hz) of a Slaney mel bank of `bands` bands from 0 to Nyquist, as librosa's mel_frequencies."""
    return slaney_hz(np.linspace(0.0, slaney_mel(sample_rate / 2.0), bands + 2)[1:-1])


def warp_bands(x, alpha, sample_rate, boundary_hz=4800.0):
    """Vocal-tract-length perturbation of a log-mel [bands, frames] array (Jaitly & Hinton 2013): the spectrum's
    content at frequency f moves to alpha * f below a boundary and piecewise-linearly above it, so Nyquist stays put.
    Each output band takes the value found at its source frequency, interpolated between the input bands."""
    bands = x.shape[0]
    nyquist = sample_rate / 2.0
    centres = band_centres(bands, sample_rate)
    knee = boundary_hz * min(alpha, 1.0) / alpha
    grid = np.linspace(0.0, nyquist, 2048)
    warped = np.where(grid <= knee, alpha * grid,
                      nyquist - (nyquist - alpha * knee) / (nyquist - knee) * (nyquist - grid))
    source = np.interp(centres, warped, grid)                      # the frequency each output band reads
    position = np.interp(slaney_mel(source), slaney_mel(centres), np.arange(bands, dtype=np.float64))
    low = np.clip(np.floor(position).astype(np.int64), 0, bands - 1)
    high = np.minimum(low + 1, bands - 1)
    w = (position - low).astype(np.float32)[:, None]
    return x[low] * (1 - w) + x[high] * w


def fit_frames(clip, frames, start):
    """A [bands, frames] window of a clip starting at `start`; shorter clips are padded with their minimum (the dB floor)."""
    bands, n = clip.shape
    if n >= frames:
        return clip[:, start:start + frames]
    out = np.full((bands, frames), clip.min(), dtype=np.float32)
    out[:, :n] = clip
    return out


def test_crop_starts(n, frames, crops):
    """Evenly spaced crop starts covering the clip (one crop when it fits). Mirrors CnnScorer.CropStarts in .NET."""
    if n <= frames or crops <= 1:
        return [max(0, (n - frames) // 2)] if n > frames else [0]
    span = n - frames
    return [i * span // (crops - 1) for i in range(crops)]
