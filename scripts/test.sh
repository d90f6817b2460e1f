#!/usr/bin/env bash
# Runs every test project and ends with one line: "N passed, N failed, N skipped".
# Tests that need the shared corpora find them at ../shared (beside the repository) or $EMOTIONML_SHARED.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh || exit 1
if [ -z "${EMOTIONML_SHARED:-}" ] && [ -d ../shared/reference ]; then
  export EMOTIONML_SHARED="$(cd ../shared && pwd)"
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log=$(mktemp)
dotnet test EmotionML.sln -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The feature and span code has vector paths for AVX-512, AVX2 and none: run its tests again with the wider
# instruction sets switched off, so that an AVX2-only machine's path and the scalar fallbacks are checked on any CI
# machine. (.NET 10 reads DOTNET_EnableAVX512; the older DOTNET_EnableAVX512F is ignored and switched nothing off.)
for isa in DOTNET_EnableAVX512 DOTNET_EnableHWIntrinsic; do
  for project in tests/EmotionML.Audio.Tests tests/EmotionML.Features.Tests; do
    echo "$project with $isa=0"
    env "$isa=0" dotnet test "$project" -c Release --no-build 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  done
done
# Packs the src projects into a local feed and consumes them: run alone, after the solution's builds and tests.
dotnet test tests/EmotionML.Packaging.Tests -c Release 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
summary=$(grep -E "^(Passed|Failed)!" "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/' \
  | awk '{f+=$1; p+=$2; s+=$3} END {printf "%d passed, %d failed, %d skipped\n", p, f, s}')
projects=$(grep -cE "^(Passed|Failed)!" "$log")
rm -f "$log"
if [ "$projects" -eq 0 ]; then
  echo "0 passed, 1 failed, 0 skipped"   # the build failed before any test ran
  exit 1
fi
echo "$summary"
exit "$status"
