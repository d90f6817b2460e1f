#!/usr/bin/env bash
# Rebuilds every model and figure recorded in artifacts/README.md, the embedded default model included
# (about 14 hours on 2 cores: eight runs with CNN candidates, with nothing else running: the budgets are wall time). Needs the corpora at ../shared/data (or $EMOTIONML_SHARED/data).
# Every train run is nested: its --time is split equally between the final search and one search per outer fold.
# Runs recorded before session 15 fitted their temperature on the search's own clips and blended every clip: they say
# --calibrate-on search --cnn-out-of-domain blend.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${EMOTIONML_SHARED:-$(cd .. && pwd)/shared}"
cli="$(mktemp -d)"
trap 'rm -rf "$cli"' EXIT
# Built into a folder of its own, so rebuilding the repository meanwhile cannot replace the running tool's files.
dotnet build -c Release src/EmotionML.Cli -o "$cli" >/dev/null
emotionml() { dotnet "$cli/EmotionML.Cli.dll" "$@"; }
mkdir -p artifacts/models
models=artifacts/models

# 1. The default model (embedded in the EmotionML package; shipped in session 15): RAVDESS actors 01-20, 8 classes, no
#    speaker normalisation (one clip of an unknown speaker must work); outer folds k = actors 4k+1..4k+4; trees, a compact
#    and a wide log-mel CNN averaged (one test-time crop, bfloat16 where the CPU has it, trained again on all training
#    actors once the blend weight is chosen) and their blend; the temperature fitted on the nested held-out predictions
#    (--calibrate-on auto); clips the domain check flags scored by the CNNs alone (--cnn-out-of-domain cnn, the
#    default). 115 minutes on 2 cores in session 14 with the selection nets already in the CNN cache
#    (~/.cache/emotionml/cnn, from step 1h's runs); from an empty cache the selection nets are trained too (longer,
#    not measured as one run). A later run with the same data and speakers reuses every net. The CNN is copied to artifacts/cnn/ravdess/ for the benchmarks and
#    the ML.NET sample. (The shipped bundle was trained in session 14, before both options existed, and brought to
#    them by `dotnet run scripts/calibrate_on_nested.cs -- MODEL default.report/nested-predictions.csv OUT
#    0.7,0.9,0.9,0.9,0.9 --cnn-alone-out-of-domain ../shared/data/ravdess ravdess`: the same computations.)
emotionml train --data "$shared/data/ravdess" --corpus ravdess --time 600 --seed 0 --threads 2 --speaker-norm never --cnn on \
  --cnn-width compact+wide --cnn-crops 1 --cnn-refit --cnn-precision bf16 --no-importance \
  --out $models/default.emlmodel 2> $models/default.train.log | tee $models/default.summary.txt
mkdir -p artifacts/cnn/ravdess
/usr/bin/python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); names = z.namelist()
if "cnn.onnx" in names:
    open(sys.argv[2] + "/model.onnx", "wb").write(z.read("cnn.onnx")); open(sys.argv[2] + "/model.json", "wb").write(z.read("cnn.json"))' \
  $models/default.emlmodel artifacts/cnn/ravdess

# 1a. The previous default (2026-12-02 to session 15): one compact CNN, 3 crops, no refit, the temperature fitted on the
#     selection actors as then (about 85 minutes).
emotionml train --data "$shared/data/ravdess" --corpus ravdess --time 600 --seed 0 --threads 2 --speaker-norm never --cnn on --calibrate-on search --cnn-out-of-domain blend \
  --out $models/ravdess-compact3.emlmodel 2> $models/ravdess-compact3.train.log | tee $models/ravdess-compact3.summary.txt
emotionml evaluate --model $models/ravdess-compact3.emlmodel --data "$shared/data/emodb" --corpus emodb > $models/ravdess-compact3-on-emodb.txt

# 1b. The experiment that did not become the default: the CNN trained 80 epochs with a frequency warp (about 85 minutes).
emotionml train --data "$shared/data/ravdess" --corpus ravdess --time 600 --seed 0 --threads 2 --speaker-norm never --cnn on --calibrate-on search --cnn-out-of-domain blend \
  --cnn-epochs 80 --cnn-warp 0.1 --no-importance --out /tmp/ravdess-warp.emlmodel 2> $models/ravdess-warp.train.log | tee $models/ravdess-warp.summary.txt
rm -rf $models/ravdess-warp.report && mv /tmp/ravdess-warp.report $models/ravdess-warp.report
emotionml evaluate --model /tmp/ravdess-warp.emlmodel --data "$shared/data/emodb" --corpus emodb > $models/ravdess-warp-on-emodb.txt

# 1c. The same with the CNN trained again on all training actors once the blend weight is chosen (reuses 1b's cached
#     selection CNNs: about 95 minutes after 1b), and the paired comparison of the two nested runs.
emotionml train --data "$shared/data/ravdess" --corpus ravdess --time 600 --seed 0 --threads 2 --speaker-norm never --cnn on --calibrate-on search --cnn-out-of-domain blend \
  --cnn-epochs 80 --cnn-warp 0.1 --cnn-refit --no-importance --out /tmp/ravdess-refit.emlmodel 2> $models/ravdess-refit.train.log | tee $models/ravdess-refit.summary.txt
rm -rf $models/ravdess-refit.report && mv /tmp/ravdess-refit.report $models/ravdess-refit.report
emotionml evaluate --model /tmp/ravdess-refit.emlmodel --data "$shared/data/emodb" --corpus emodb > $models/ravdess-refit-on-emodb.txt
/usr/bin/python3 scripts/compare_nested.py $models/ravdess-warp.report/nested-predictions.csv $models/ravdess-refit.report/nested-predictions.csv

# 1d. The default recipe with the refit (session 10; about 80 minutes from scratch on 2 cores): not shipped either.
emotionml train --data "$shared/data/ravdess" --corpus ravdess --time 600 --seed 0 --threads 2 --speaker-norm never --cnn on --calibrate-on search --cnn-out-of-domain blend \
  --cnn-refit --no-importance --out /tmp/ravdess-refit60.emlmodel 2> $models/ravdess-refit60.train.log | tee $models/ravdess-refit60.summary.txt
rm -rf $models/ravdess-refit60.report && cp -r /tmp/ravdess-refit60.report $models/ravdess-refit60.report
emotionml evaluate --model /tmp/ravdess-refit60.emlmodel --data "$shared/data/emodb" --corpus emodb > $models/ravdess-refit60-on-emodb.txt

# 1e. The same recipe with the CNNs trained in bfloat16 (session 12; about 65 minutes on 2 cores with avx512_bf16),
#     a parity check against 1d, then 1f: two seeds averaged (reuses 1e's cached seed-0 nets: about an hour more).
emotionml train --data "$shared/data/ravdess" --corpus ravdess --time 600 --seed 0 --threads 2 --speaker-norm never --cnn on --calibrate-on search --cnn-out-of-domain blend \
  --cnn-refit --cnn-precision bf16 --no-importance --out /tmp/ravdess-refit60-bf16.emlmodel 2> $models/ravdess-refit60-bf16.train.log | tee $models/ravdess-refit60-bf16.summary.txt
rm -rf $models/ravdess-refit60-bf16.report && cp -r /tmp/ravdess-refit60-bf16.report $models/ravdess-refit60-bf16.report
emotionml evaluate --model /tmp/ravdess-refit60-bf16.emlmodel --data "$shared/data/emodb" --corpus emodb > $models/ravdess-refit60-bf16-on-emodb.txt
/usr/bin/python3 scripts/compare_nested.py $models/ravdess-refit60.report/nested-predictions.csv $models/ravdess-refit60-bf16.report/nested-predictions.csv
emotionml train --data "$shared/data/ravdess" --corpus ravdess --time 600 --seed 0 --threads 2 --speaker-norm never --cnn on --calibrate-on search --cnn-out-of-domain blend \
  --cnn-refit --cnn-precision bf16 --cnn-seeds 2 --no-importance --out /tmp/ravdess-seeds2.emlmodel 2> $models/ravdess-seeds2.train.log | tee $models/ravdess-seeds2.summary.txt
rm -rf $models/ravdess-seeds2.report && cp -r /tmp/ravdess-seeds2.report $models/ravdess-seeds2.report
emotionml evaluate --model /tmp/ravdess-seeds2.emlmodel --data "$shared/data/emodb" --corpus emodb > $models/ravdess-seeds2-on-emodb.txt
/usr/bin/python3 scripts/compare_nested.py $models/ravdess-refit60-bf16.report/nested-predictions.csv $models/ravdess-seeds2.report/nested-predictions.csv

# 1g. The wide net (session 13; about 66 minutes on 2 cores with avx512_bf16), paired with the compact net trained the
#     same way (its selection nets, cached by 1h's run below or by any compact bf16 run on this export), then 1h:
#     one net of each width averaged (reuses the wide nets), then the pair with one test-time crop (reuses every net).
emotionml train --data "$shared/data/ravdess" --corpus ravdess --time 600 --seed 0 --threads 2 --speaker-norm never --cnn on --calibrate-on search --cnn-out-of-domain blend \
  --cnn-width wide --cnn-precision bf16 --no-importance --out /tmp/ravdess-wide.emlmodel 2> $models/ravdess-wide.train.log | tee $models/ravdess-wide.summary.txt
rm -rf $models/ravdess-wide.report && cp -r /tmp/ravdess-wide.report $models/ravdess-wide.report
emotionml evaluate --model /tmp/ravdess-wide.emlmodel --data "$shared/data/emodb" --corpus emodb > $models/ravdess-wide-on-emodb.txt
emotionml train --data "$shared/data/ravdess" --corpus ravdess --time 600 --seed 0 --threads 2 --speaker-norm never --cnn on --calibrate-on search --cnn-out-of-domain blend \
  --cnn-width compact+wide --cnn-precision bf16 --no-importance --out /tmp/ravdess-both.emlmodel 2> $models/ravdess-both.train.log | tee $models/ravdess-both.summary.txt
rm -rf $models/ravdess-both.report && cp -r /tmp/ravdess-both.report $models/ravdess-both.report
emotionml evaluate --model /tmp/ravdess-both.emlmodel --data "$shared/data/emodb" --corpus emodb > $models/ravdess-both-on-emodb.txt
emotionml logmel --data "$shared/data/ravdess" --corpus ravdess --out /tmp/ravdess-logmel.npz   # the same bytes the runs trained on
/usr/bin/python3 scripts/cnn/score_folds.py --data /tmp/ravdess-logmel.npz --cache $HOME/.cache/emotionml/cnn/models \
  --match width=compact,precision=bf16,seed=0,seeds=1,epochs=60,warp=0.0 --out /tmp/ravdess-compact-folds.csv
/usr/bin/python3 scripts/compare_nested.py /tmp/ravdess-compact-folds.csv $models/ravdess-wide.report/nested-predictions.csv
/usr/bin/python3 scripts/compare_nested.py $models/ravdess-wide.report/nested-predictions.csv $models/ravdess-both.report/nested-predictions.csv
emotionml train --data "$shared/data/ravdess" --corpus ravdess --time 600 --seed 0 --threads 2 --speaker-norm never --cnn on --calibrate-on search --cnn-out-of-domain blend \
  --cnn-width compact+wide --cnn-crops 1 --cnn-precision bf16 --no-importance --out /tmp/ravdess-both1.emlmodel 2> $models/ravdess-both1.train.log | tee $models/ravdess-both1.summary.txt
rm -rf $models/ravdess-both1.report && cp -r /tmp/ravdess-both1.report $models/ravdess-both1.report
emotionml evaluate --model /tmp/ravdess-both1.emlmodel --data "$shared/data/emodb" --corpus emodb > $models/ravdess-both1-on-emodb.txt
/usr/bin/python3 scripts/compare_nested.py $models/ravdess-both.report/nested-predictions.csv $models/ravdess-both1.report/nested-predictions.csv

# 1i. The default's recipe (step 1) against the same pair without the refit (1h), paired on the same clips; and session
#     15's cross-corpus check: the six CNNs of each recipe's nested run on EmoDB (the nets are in the CNN cache: their
#     folders are listed in artifacts/README.md, session 15).
/usr/bin/python3 scripts/compare_nested.py $models/ravdess-both1.report/nested-predictions.csv $models/default.report/nested-predictions.csv
emotionml logmel --data "$shared/data/emodb" --corpus emodb --out /tmp/emodb-logmel.npz

# 2. The same protocol with speaker normalisation (needs enrolment clips of each speaker): the enrolment curve.
emotionml train --data "$shared/data/ravdess" --corpus ravdess --time 1200 --seed 0 --threads 2 --speaker-norm always --enrol 8 \
  --no-importance --out $models/ravdess-enrolment.emlmodel 2> $models/ravdess-enrolment.train.log | tee $models/ravdess-enrolment.summary.txt

# 3. EmoDB, 7 classes, leave-one-speaker-out outer folds (10): trees, the CNN and their blend without speaker
#    normalisation (eleven CNN trainings, about 80 minutes), and trees with speaker normalisation.
emotionml train --data "$shared/data/emodb" --corpus emodb --folds 10 --time 660 --seed 0 --threads 2 --speaker-norm never --cnn on --calibrate-on search --cnn-out-of-domain blend \
  --no-importance --out $models/emodb.emlmodel 2> $models/emodb.train.log | tee $models/emodb.summary.txt
emotionml train --data "$shared/data/emodb" --corpus emodb --folds 10 --time 660 --seed 0 --threads 2 --speaker-norm always --enrol 8 \
  --no-importance --out $models/emodb-enrolment.emlmodel 2> $models/emodb-enrolment.train.log | tee $models/emodb-enrolment.summary.txt

# 4. Cross-corpus: the RAVDESS models on EmoDB (other speakers, language and labels; mapped through the common set).
emotionml evaluate --model $models/default.emlmodel --data "$shared/data/emodb" --corpus emodb > $models/default-on-emodb.txt
emotionml evaluate --model $models/ravdess-enrolment.emlmodel --data "$shared/data/emodb" --corpus emodb --enrol 8 > $models/ravdess-enrolment-on-emodb.txt
