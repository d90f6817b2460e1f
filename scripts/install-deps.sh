#!/usr/bin/env bash
# Installs what builds and tests need beyond the .NET SDK: Debian's ffmpeg (FLAC, M4A/AAC, Opus decoding),
# libgomp1 (OpenMP, which LightGBM's native library links against), espeak-ng (synthetic speech for the
# out-of-domain tests), chromium (the web app's browser tests: Playwright drives Debian's Chromium instead of
# downloading a browser) and Debian's PyTorch 1.13 with onnx for /usr/bin/python3 (the log-mel CNN trainer,
# scripts/cnn; CPU only).
# Safe to run repeatedly; does nothing when everything is present.
set -euo pipefail
need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
ldconfig -p 2>/dev/null | grep -q 'libgomp.so.1' || need+=(libgomp1)
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
command -v chromium >/dev/null 2>&1 || [ -n "${EMOTIONML_CHROMIUM:-}" ] || need+=(chromium fonts-dejavu-core)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch, onnx, numpy' >/dev/null 2>&1 || need+=(python3 python3-torch python3-onnx python3-numpy)
if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-deps: the .NET 10 SDK is required (https://dot.net); it is not installed by this script." >&2
  exit 1
fi
if ((${#need[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "install-deps: installing ${need[*]} with apt-get" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
