#!/usr/bin/env bash
# Our whole `emotionml features --threads 1` process against librosa 0.10.2, on the same machine, in the same
# run, both pinned to one core: the only kind of speed claim that holds across machines (benchmarks/README.md).
#
#   benchmarks/speed-ratio.sh [--clips N] [--librosa-clips M] [--runs R] [--avx2]
#
# --avx2: both sides as on a machine without AVX-512, on this one: .NET with DOTNET_EnableAVX512=0 (the knob .NET 10
# reads), numpy with its AVX-512 kernels disabled (NPY_DISABLE_CPU_FEATURES), numba compiling for Haswell and OpenBLAS
# using its Haswell kernels. The same caches and clock, so it shows what the instruction set alone does to the ratio.
#
# Clips: the first N RAVDESS clips under ../shared (or $EMOTIONML_SHARED), else data/samples. Default 720, as in the
# AVX2 measurement issue 12 reports, so that one process's start-up weighs as much as it did there.
# librosa side: ../shared/anchors/librosa-speed/run.sh over the first M of the same clips (default 30); skipped,
# with a note, where librosa or its Python stack is absent (see that folder's README for the set-up).
# Prints the CPU model, its widest vector instruction set, the throughputs (audio-seconds per CPU-second, user + sys
# from the kernel's accounting) of the portable build, of the published (ReadyToRun) one and of librosa, the ratios, and each
# build's start-up (the process over one file) with the cost of every further clip.
# The three are interleaved round by round (ours, then librosa, R times) and each side's best round is kept: the
# machines here drift by a fifth or more within minutes, and measuring librosa only after all of our runs let that
# drift into the ratio (one day: librosa 51.7 audio-s per CPU-s in one run, 38.5 in the next, same code).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
clips=720 librosa_clips=30 runs=3 avx2=
while [[ $# -gt 0 ]]; do
  case $1 in
    --clips) clips=$2; shift 2 ;;
    --librosa-clips) librosa_clips=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --avx2) avx2=yes; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

shared=${EMOTIONML_SHARED:-$repo/../shared}
mapfile -t files < <( (ls "$shared"/data/ravdess/Actor_*/*.wav 2>/dev/null || ls "$repo"/data/samples/*.wav) | sort | head -n "$clips")
[[ ${#files[@]} -gt 0 ]] || { echo "no clips found" >&2; exit 3; }

cpu=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
isa=AVX2; grep -q avx512f /proc/cpuinfo && isa=AVX-512 || { grep -q avx2 /proc/cpuinfo || isa="below AVX2"; }
echo "machine: $cpu, $(nproc) cores, widest vectors: $isa, $(date -u +%F)"
if [[ -n $avx2 ]]; then
  export DOTNET_EnableAVX512=0 NUMBA_CPU_NAME=haswell OPENBLAS_CORETYPE=Haswell
  export NPY_DISABLE_CPU_FEATURES="AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL"
  echo "run as an AVX2-only machine: AVX-512 switched off on both sides"
fi

out=${TMPDIR:-/tmp}/emotionml-speed-ratio
rm -rf "$out" && mkdir -p "$out"
# Two builds of the same code: the portable one (what `dotnet run` and the EmotionML.Tool package run: JIT) and the
# published one for this machine (ReadyToRun, see src/EmotionML.Cli/EmotionML.Cli.csproj).
rid=linux-x64; [[ $(uname -m) == aarch64 ]] && rid=linux-arm64
dotnet build "$repo/src/EmotionML.Cli" -c Release -o "$out/portable" -v quiet -nologo >/dev/null
dotnet publish "$repo/src/EmotionML.Cli" -c Release -r "$rid" -o "$out/published" -v quiet -nologo >/dev/null

audio=$(python3 - "${files[@]}" <<'EOF' 2>/dev/null || true
import sys, wave
total = 0.0
for p in sys.argv[1:]:
    with wave.open(p) as w: total += w.getnframes() / w.getframerate()
print(f"{total:.3f}")
EOF
)
[[ -n $audio ]] || { echo "python3 is needed to sum the clips' durations" >&2; exit 3; }

librosa_run=$shared/anchors/librosa-speed/run.sh
librosa=yes
[[ -x $librosa_run ]] || librosa=
# CPU seconds (user + sys) of one `features --threads 1` process pinned to one core: cpu_of BUILD OUT FILE...
# bash's `time` with TIMEFORMAT reports the kernel's accounting to the millisecond (/usr/bin/time rounds to 10 ms,
# 1.5 % of a 720-clip run).
cpu_of() {
  local build=$1 json=$2 TIMEFORMAT='%3U %3S'; shift 2
  { time taskset -c 0 "$out/$build/EmotionML.Cli" features "$@" --threads 1 --format json --out "$json" >/dev/null 2>/dev/null; } 2>&1 \
    | tail -1 | awk '{printf "%.3f", $1 + $2}'
}
declare -A best
theirs=
for ((r = 1; r <= runs; r++)); do
  for build in portable published; do
    cpu_s=$(cpu_of "$build" "$out/features-$build.json" "${files[@]}")
    echo "emotionml features ($build), run $r: ${#files[@]} clips, ${audio} s of audio, ${cpu_s} s CPU"
    if [[ -z ${best[$build]:-} ]] || awk "BEGIN{exit !($cpu_s < ${best[$build]})}"; then best[$build]=$cpu_s; fi
  done
  if [[ -n $librosa ]]; then
    if speed=$("$librosa_run" "${files[@]:0:$librosa_clips}" 2>/dev/null); then
      echo "librosa 0.10.2, run $r: $speed audio-s per CPU-s (${librosa_clips} clips)"
      if [[ -z $theirs ]] || awk "BEGIN{exit !($speed > $theirs)}"; then theirs=$speed; fi
    else
      librosa=
    fi
  fi
done
cmp -s "$out/features-portable.json" "$out/features-published.json" || { echo "the two builds' features differ" >&2; exit 4; }
# Start-up: the same process over one file (best of three), and what each further clip costs after it.
for build in portable published; do
  one=
  for ((r = 1; r <= 3; r++)); do
    cpu_s=$(cpu_of "$build" "$out/one-$build.json" "${files[0]}")
    if [[ -z $one ]] || awk "BEGIN{exit !($cpu_s < $one)}"; then one=$cpu_s; fi
  done
  if [[ ${#files[@]} -gt 1 ]]; then
    echo "emotionml features ($build): start-up with one file ${one} s CPU; each further clip $(awk "BEGIN{printf \"%.2f\", 1000 * (${best[$build]} - $one) / (${#files[@]} - 1)}") ms"
  fi
done
declare -A ours
for build in portable published; do
  ours[$build]=$(awk "BEGIN{printf \"%.0f\", $audio / ${best[$build]}}")
  echo "emotionml ($build): ${ours[$build]} audio-s per CPU-s (best of $runs)"
done

if [[ -n $theirs ]]; then
  echo "librosa 0.10.2: $theirs audio-s per CPU-s (best of $runs, ${librosa_clips} clips)"
  for build in portable published; do
    echo "ratio ($build): $(awk "BEGIN{printf \"%.1f\", ${ours[$build]} / $theirs}")x"
  done
else
  echo "librosa side skipped: $librosa_run failed or is absent (set-up in its README)"
fi
