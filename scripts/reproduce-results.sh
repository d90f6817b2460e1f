#!/usr/bin/env bash
# Reproduces the accuracy figures recorded in artifacts/README.md (about 20 minutes on 2 cores).
# Needs the corpora at ../shared/data (or $EMOTIONML_SHARED/data).
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${EMOTIONML_SHARED:-$(cd .. && pwd)/shared}"
dotnet build -c Release src/EmotionML.Cli >/dev/null
emotionml() { dotnet src/EmotionML.Cli/bin/Release/net10.0/EmotionML.Cli.dll "$@"; }
mkdir -p artifacts/models artifacts/runs

# RAVDESS actors 01-20, 8 classes, 5 folds by actor (fold k = actors 4k+1..4k+4), 10-minute budget: the default model.
emotionml train --data "$shared/data/ravdess" --corpus ravdess --time 600 --seed 0 \
  --out artifacts/models/ravdess.emlmodel 2> artifacts/models/ravdess.train.log | tee artifacts/models/ravdess.summary.txt

# EmoDB, 7 classes, leave-one-speaker-out (10 folds), 5-minute budget.
emotionml train --data "$shared/data/emodb" --corpus emodb --folds 10 --time 300 --seed 0 \
  --out artifacts/models/emodb.emlmodel 2> artifacts/models/emodb.train.log | tee artifacts/models/emodb.summary.txt

# The same RAVDESS protocol with a 60-second budget.
emotionml train --data "$shared/data/ravdess" --corpus ravdess --time 60 --seed 0 --no-importance \
  --out artifacts/runs/ravdess-60s.emlmodel 2> artifacts/runs/ravdess-60s.train.log | tee artifacts/runs/ravdess-60s.summary.txt

# Cross-corpus: the RAVDESS model on EmoDB (other speakers, language and labels; mapped through the common set).
emotionml evaluate --model artifacts/models/ravdess.emlmodel --data "$shared/data/emodb" --corpus emodb \
  > artifacts/models/ravdess-on-emodb.txt
