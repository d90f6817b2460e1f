using System.Globalization;
using EmotionML.Training.AutoML;
using EmotionML.Training.Corpora;
using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;
using EmotionML.Training.Reports;

namespace EmotionML.Training;

/// <summary>Turns an experiment's winner into a <see cref="ModelBundle"/> and writes the training report beside it.</summary>
public static class BundleWriter
{
    /// <summary>Builds the bundle of an experiment's winner.</summary>
    /// <param name="result">The experiment result.</param>
    /// <param name="data">The data it was trained on.</param>
    /// <param name="source">Where the data came from (a folder or manifest).</param>
    /// <param name="featureOptions">The feature options the data was extracted with.</param>
    /// <param name="nested">The nested evaluation of the same search, when it ran.</param>
    public static ModelBundle Create(ExperimentResult result, EmotionDataset data, string source, Features.FeatureOptions featureOptions, NestedResult? nested = null)
    {
        var m = result.CrossValidatedMetrics;
        var manifest = new ModelManifest
        {
            CreatedUtc = DateTime.UtcNow,
            LabelSet = data.Corpus.Labels.Name,
            FeatureOptions = featureOptions,
            Trainer = result.Best.Config.Trainer.ToString(),
            Parameters = result.Best.Config.Parameters.ToDictionary(),
            TrainingData = new TrainingDataDescription
            {
                Corpus = data.Corpus.Name,
                Source = source,
                Items = data.Count,
                Speakers = data.Speakers.Distinct().Order(StringComparer.Ordinal).ToArray(),
                LabelCounts = data.Labels.ToDictionary(l => l, l => data.Items.Count(i => i.Label == l)),
            },
            Validation = new ValidationSummary
            {
                Split = result.Folds.Description,
                Folds = result.Folds.Count,
                Metric = MetricName(result.Metric),
                Mean = Math.Round(result.Best.Mean, 6),
                Std = Math.Round(result.Best.Std, 6),
                Accuracy = Math.Round(m.Accuracy, 6),
                MacroF1 = Math.Round(m.MacroF1, 6),
                WeightedF1 = Math.Round(m.WeightedF1, 6),
                Nested = nested?.ToSummary(),
                Enrolment = nested?.Enrolment ?? [],
            },
            Cnn = result.Cnn is { Weight: > 0 } cnn ? new CnnSummary
            {
                Selection = string.Create(CultureInfo.InvariantCulture, $"{MetricName(cnn.Metric)} on the training speakers {string.Join(", ", cnn.SelectionSpeakers)}, which the CNN left out (the tree model's probabilities for them are out-of-fold); weights 0 to 1 in steps of 0.1"),
                WeightScores = cnn.WeightScores,
            } : null,
        };
        return ModelBundle.Create(result.Model, manifest);
    }

    /// <summary>The report folder of a bundle: <c>MODEL.report/</c> next to it.</summary>
    public static string ReportDirectory(string bundlePath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(bundlePath))!, Path.GetFileNameWithoutExtension(bundlePath) + ".report");

    /// <summary>
    /// Writes the training report for a bundle: the nested estimate (when it ran) as the headline, the final
    /// winner's inner cross-validation beside it (labelled as what the search maximised), the enrolment curve for
    /// speaker-normalised winners, the leaderboard and pictures.
    /// </summary>
    public static void WriteReport(string bundlePath, ExperimentResult result, EmotionDataset data, NestedResult? nested = null, string? nestedNote = null)
    {
        var dir = ReportDirectory(bundlePath);
        var best = result.Best;
        var inv = CultureInfo.InvariantCulture;
        string metric = MetricName(result.Metric);
        var description = new List<string>
        {
            $"Model: {best.Config}",
            $"Data: {data.Corpus.Name}, {data.Count} clips, {data.Speakers.Distinct().Count()} speakers, {data.Labels.Count} classes ({string.Join(", ", data.Labels)})",
        };
        if (!data.Corpus.HasSpeakers)
        {
            description.Add("**Not speaker-independent:** the data names no speakers, so clips of one speaker may be on both sides of a fold; expect lower accuracy on new voices.");
        }

        var context = new Dictionary<string, object?>
        {
            ["model"] = best.Config.ToString(),
            ["data"] = data.Corpus.Name,
            ["speakerIndependent"] = data.Corpus.HasSpeakers,
        };
        ClassificationMetrics headline;
        if (nested is not null)
        {
            var acc = nested.FoldSummary(x => x.Accuracy);
            var f1 = nested.FoldSummary(x => x.MacroF1);
            headline = nested.Metrics;
            description.Add(string.Create(inv, $"**Nested estimate** (the figure to quote): outer split {nested.Outer.Description}; in each outer fold the whole search ran on the training speakers only (inner {result.Folds.Count}-fold speaker-grouped CV) and its winner was scored once on the held-out speakers: accuracy {nested.Metrics.Accuracy:F3}, macro-F1 {nested.Metrics.MacroF1:F3} pooled; per outer fold accuracy {acc.Mean:F3} ± {acc.Std:F3}, macro-F1 {f1.Mean:F3} ± {f1.Std:F3}"));
            if (nested.EnrolmentClips > 0)
            {
                description.Add($"Speaker-normalised winners scored each held-out clip with a profile from {EnrolmentProtocol.Describe(nested.EnrolmentClips)} of its speaker (never the clip itself)");
            }

            if (nested.Confidence is { } conf)
            {
                string how = nested.CalibratedOnNested
                    ? "the shipped model's temperature is fitted on these held-out predictions, so the estimate is cross-fitted: each outer fold's clips calibrated with a temperature fitted on the other folds' clips only"
                    : "each outer winner's temperature fitted on its inner folds only";
                description.Add(string.Create(inv, $"**Confidence** (nested, held-out speakers; {how}): expected calibration error {conf.EceBefore:F3} → {conf.EceAfter:F3}, negative log-likelihood {conf.NllBefore:F3} → {conf.NllAfter:F3} per clip"));
                if (conf.InDomainShare is { } share)
                {
                    description.Add(string.Create(inv, $"**Domain check**: {share:P1} of held-out clips passed (threshold set for 95 % on inner held-out speakers); accuracy {conf.AccuracyInDomain ?? double.NaN:F3} on those, {conf.AccuracyOutOfDomain ?? double.NaN:F3} on the flagged ones"));
                }
            }

            foreach (var f in nested.Folds)
            {
                description.Add(string.Create(inv, $"Outer fold {f.Fold + 1} ({string.Join(", ", f.HeldOutSpeakers)}): winner {f.Winner} (inner {metric} {f.InnerScore:F3}, {f.Trials} trials) → held-out accuracy {f.Metrics.Accuracy:F3}, macro-F1 {f.Metrics.MacroF1:F3}"));
            }

            context["nested"] = new
            {
                split = nested.Outer.Description,
                outerFolds = nested.Outer.Count,
                accuracy = Math.Round(nested.Metrics.Accuracy, 6),
                macroF1 = Math.Round(nested.Metrics.MacroF1, 6),
                weightedF1 = Math.Round(nested.Metrics.WeightedF1, 6),
                foldAccuracy = new { mean = Math.Round(acc.Mean, 6), std = Math.Round(acc.Std, 6) },
                foldMacroF1 = new { mean = Math.Round(f1.Mean, 6), std = Math.Round(f1.Std, 6) },
                enrolmentClips = nested.EnrolmentClips,
                enrolment = nested.Enrolment.Select(p => new { clips = p.Clips, accuracy = p.Accuracy, macroF1 = p.MacroF1 }).ToArray(),
                folds = nested.Folds.Select(f => new { fold = f.Fold + 1, speakers = f.HeldOutSpeakers, winner = f.Winner.ToString(), innerScore = Math.Round(f.InnerScore, 6), trials = f.Trials, accuracy = Math.Round(f.Metrics.Accuracy, 6), macroF1 = Math.Round(f.Metrics.MacroF1, 6), searchSeconds = Math.Round(f.SearchTime.TotalSeconds, 1) }).ToArray(),
                seconds = Math.Round(nested.Elapsed.TotalSeconds, 1),
                calibration = nested.Confidence is { } c ? new
                {
                    eceBefore = Math.Round(c.EceBefore, 6),
                    eceAfter = Math.Round(c.EceAfter, 6),
                    nllBefore = Math.Round(c.NllBefore, 6),
                    nllAfter = Math.Round(c.NllAfter, 6),
                    calibratedOn = nested.CalibratedOnNested ? "nested (cross-fitted)" : "each outer winner's own",
                    foldTemperatures = c.CrossFitted?.FoldTemperatures.Values.Select(t => Math.Round(t, 6)).ToArray(),
                    inDomainShare = c.InDomainShare,
                    accuracyInDomain = c.AccuracyInDomain,
                    accuracyOutOfDomain = c.AccuracyOutOfDomain,
                    reliabilityAfter = c.ReliabilityAfter.Select(b => new { low = b.Low, high = b.High, count = b.Count, confidence = Math.Round(b.Confidence, 6), accuracy = Math.Round(b.Accuracy, 6) }).ToArray(),
                } : null,
            };
        }
        else
        {
            headline = result.CrossValidatedMetrics;
            description.Add($"**No nested estimate** ({nestedNote ?? "skipped with --nested false"}): the figures below are the winner's own cross-validation, which the search maximised, so they are optimistic.");
            context["nested"] = null;
        }

        // Accuracy and macro-F1 of each inner fold of the final search (mean ± population std).
        var perFold = Enumerable.Range(0, result.Folds.Count).Select(k =>
        {
            var validation = result.Folds.Split(k).Validation;
            return ClassificationMetrics.Compute(data.Labels, validation.Select(i => data.LabelIndex[i]).ToArray(), validation.Select(i => best.OutOfFoldPredictions[i]).ToArray());
        }).ToArray();
        (double Mean, double Std) Summary(Func<ClassificationMetrics, double> f)
        {
            var values = perFold.Select(f).ToArray();
            double mean = values.Average();
            return (Math.Round(mean, 6), Math.Round(Math.Sqrt(values.Average(v => (v - mean) * (v - mean))), 6));
        }

        var cv = result.CrossValidatedMetrics;
        var accuracy = Summary(x => x.Accuracy);
        var macroF1 = Summary(x => x.MacroF1);
        description.Add(string.Create(inv, $"Final search (the shipped model): {result.Trials.Count} trials in {result.Elapsed.TotalSeconds:F0} s (stopped: {result.StoppedBecause}) over {result.Folds.Description}; the winner's inner cross-validation, **maximised by the search**: accuracy {cv.Accuracy:F3}, macro-F1 {cv.MacroF1:F3} pooled ({metric} {best.Mean:F3} ± {best.Std:F3} per fold)"));
        if (result.Cnn is { } blend)
        {
            string chosen = blend.Weight switch { 0 => "the tree model alone", 1 => "the CNN alone", _ => string.Create(inv, $"a blend, {blend.Weight:0.0} CNN + {1 - blend.Weight:0.0} tree") };
            description.Add(string.Create(inv, $"**CNN candidates**: a log-mel CNN trained on the training speakers except {string.Join(", ", blend.SelectionSpeakers)}{(blend.Refit ? ", then again on all training speakers for the model (refit: " : " (")}{(blend.CnnReused ? "reused from the trainer's cache, " : "")}{blend.CnnTrainingSeconds ?? double.NaN:F0} s of training); on those speakers {metric} was tree {blend.WeightScores["0.0"]:F3}, CNN {blend.WeightScores["1.0"]:F3}; shipped: {chosen}{(result.Model.CnnAloneOutOfDomain ? ", the CNN alone for clips the domain check flags" : "")}"));
            context["cnn"] = new { weight = blend.Weight, selectionSpeakers = blend.SelectionSpeakers, weightScores = blend.WeightScores, trainingSeconds = blend.CnnTrainingSeconds, refit = blend.Refit, cnnAloneOutOfDomain = result.Model.CnnAloneOutOfDomain };
        }

        if (nested?.Families is { } families)
        {
            description.Add(string.Create(inv, $"**Nested, by family** (each outer fold's own models on its held-out speakers): tree winner accuracy {families["tree"].Accuracy:F3} / macro-F1 {families["tree"].MacroF1:F3}; CNN alone {families["cnn"].Accuracy:F3} / {families["cnn"].MacroF1:F3}; chosen (tree, CNN or blend per fold) {families["chosen"].Accuracy:F3} / {families["chosen"].MacroF1:F3}; CNN weight per fold {string.Join(", ", nested.Folds.Select(f => (f.CnnWeight ?? 0).ToString("0.0", inv)))}"));
            context["nestedFamilies"] = families.ToDictionary(f => f.Key, f => new { accuracy = Math.Round(f.Value.Accuracy, 6), macroF1 = Math.Round(f.Value.MacroF1, 6) });
        }

        if (best.Config.SpeakerNormalization)
        {
            description.Add($"Speaker normalisation: each speaker's features are standardised with statistics shrunk toward the training speakers' (τ = {best.Config.SpeakerShrinkage:G3}); held-out speakers' profiles came from {EnrolmentProtocol.Describe(result.EnrolmentClips)} of the speaker, never the scored clip.");
        }

        if (result.Model.Calibration is { } cal)
        {
            string fittedOn = result.CalibratedOnNested
                ? $"the nested evaluation's raw held-out predictions ({data.Count} clips, each scored by an outer fold's model that never heard its speaker)"
                : result.Cnn is { Weight: > 0 } chosenBlend
                ? $"the blended probabilities of the selection speakers {string.Join(", ", chosenBlend.SelectionSpeakers)} (trees out-of-fold, CNN trained without them)"
                : "the final search's out-of-fold predictions (held-out speakers)";
            description.Add(string.Create(inv, $"Shipped model's calibration: temperature {cal.Temperature:G4}, fitted on {fittedOn} (ECE {cal.EceBefore:F3} → {cal.EceAfter:F3} on those, the data it was fitted on)"));
            context["calibration"] = new { method = cal.Method, temperature = cal.Temperature, fittedOn, eceBefore = cal.EceBefore, eceAfter = cal.EceAfter, nllBefore = cal.NllBefore, nllAfter = cal.NllAfter };
        }

        if (result.Model.Domain is { } dom)
        {
            description.Add(string.Create(inv, $"Shipped model's domain check: Mahalanobis distance (Ledoit–Wolf) threshold {dom.Threshold:F3}, passing {dom.Coverage:P0} of held-out speakers' clips in the final search's folds"));
            context["domain"] = new { threshold = Math.Round(dom.Threshold, 6), coverage = dom.Coverage };
        }

        context["innerCrossValidation"] = new
        {
            note = "the final search's winner on its own folds: the search maximised this, so it is optimistic",
            split = result.Folds.Description,
            accuracy = Math.Round(cv.Accuracy, 6),
            macroF1 = Math.Round(cv.MacroF1, 6),
            foldAccuracy = new { mean = accuracy.Mean, std = accuracy.Std },
            foldMacroF1 = new { mean = macroF1.Mean, std = macroF1.Std },
            folds = perFold.Select((x, k) => new { fold = k + 1, speakers = result.Folds.SpeakersPerFold[k], accuracy = Math.Round(x.Accuracy, 6), macroF1 = Math.Round(x.MacroF1, 6), clips = x.Count }).ToArray(),
        };
        string title = nested is not null
            ? $"{data.Corpus.Name}: nested speaker-independent estimate ({nested.Outer.Count} outer folds)"
            : $"{data.Corpus.Name}: cross-validated ({result.Folds.Count} speaker-grouped folds; not nested)";
        // Sections after the standard report: written with it, in one atomic write of report.md.
        Directory.CreateDirectory(dir);
        var md = new System.Text.StringBuilder();
        if (nested is { Enrolment.Count: > 0 })
        {
            Charts.EnrolmentCurve(nested.Enrolment, $"{data.Corpus.Name}: nested accuracy by enrolment size").SaveSvgAndPng(Path.Combine(dir, "enrolment"), 640, 420);
            md.AppendLine().AppendLine("## Enrolment curve (nested, held-out speakers)").AppendLine().AppendLine("| enrolment clips per speaker | accuracy | macro-F1 |").AppendLine("|---|---:|---:|");
            foreach (var p in nested.Enrolment)
            {
                md.AppendLine(string.Create(inv, $"| {EnrolmentProtocol.Describe(p.Clips)} | {p.Accuracy:F3} | {p.MacroF1:F3} |"));
            }

            md.AppendLine().AppendLine("![enrolment curve](enrolment.svg)");
        }

        if (nested?.Confidence is { } reliability)
        {
            Charts.Reliability(reliability.ReliabilityBefore, reliability.ReliabilityAfter, $"{data.Corpus.Name}: reliability on held-out speakers (nested)").SaveSvgAndPng(Path.Combine(dir, "reliability"), 560, 520);
            md.AppendLine().AppendLine("## Calibration (nested, held-out speakers)").AppendLine();
            md.AppendLine(string.Create(inv, $"Expected calibration error (10 bins, top label) {reliability.EceBefore:F3} raw → {reliability.EceAfter:F3} calibrated; negative log-likelihood {reliability.NllBefore:F3} → {reliability.NllAfter:F3}.")
                + (nested.CalibratedOnNested ? " Calibrated as shipped: a temperature fitted on the held-out predictions, each outer fold's clips with one fitted on the other folds' clips (cross-fitted)." : "")).AppendLine();
            md.AppendLine("![reliability diagram](reliability.svg)");
        }

        if (nested is { Probabilities.Count: > 0 })
        {
            WriteNestedPredictions(Path.Combine(dir, NestedPredictionsFile), data, nested);
            md.AppendLine().AppendLine("## Per-clip held-out predictions").AppendLine();
            md.AppendLine($"[`{NestedPredictionsFile}`]({NestedPredictionsFile}): every clip scored by the outer fold that held it out (fold, truth, prediction, calibrated probabilities"
                + (nested.CnnProbabilities is null ? ")." : ", and the tree part's and the CNN's own probabilities)."));
        }

        EvaluationReport.Write(dir, headline, title, description, context, md.ToString());
        LeaderboardReport.Write(dir, result);
    }

    /// <summary>The report's per-clip file of nested predictions.</summary>
    public const string NestedPredictionsFile = "nested-predictions.csv";

    /// <summary>
    /// One row per clip, scored by the outer fold that held it out: clip (relative to the corpus folder), speaker,
    /// fold (1-based), truth, prediction, confidence, the calibrated probability of every label (<c>p:label</c>), and
    /// for CNN candidates the tree part's (<c>tree:label</c>, before calibration) and the CNN's (<c>cnn:label</c>),
    /// then the chosen model's probabilities before calibration (<c>raw:label</c>), from which any calibration can be
    /// fitted again. Written atomically.
    /// </summary>
    internal static void WriteNestedPredictions(string path, EmotionDataset data, NestedResult nested)
    {
        var inv = CultureInfo.InvariantCulture;
        var b = new System.Text.StringBuilder();
        var header = new List<string> { "clip", "speaker", "fold", "label", "predicted", "confidence" };
        header.AddRange(data.Labels.Select(l => "p:" + l));
        if (nested.TreeProbabilities is not null && nested.CnnProbabilities is not null)
        {
            header.AddRange(data.Labels.Select(l => "tree:" + l));
            header.AddRange(data.Labels.Select(l => "cnn:" + l));
        }

        bool withRaw = nested.RawProbabilities.Count == data.Count;
        if (withRaw)
        {
            header.AddRange(data.Labels.Select(l => "raw:" + l));
        }

        b.AppendLine(string.Join(',', header.Select(PredictionWriter.Csv)));
        string folder = Corpus.CommonFolder(data.Items.Select(item => item.Path));
        for (int i = 0; i < data.Count; i++)
        {
            var p = nested.Probabilities[i];
            int predicted = nested.Predictions[i];
            var row = new List<string>
            {
                Corpus.RelativePath(folder, data.Items[i].Path), data.Items[i].Speaker, (nested.OuterFoldOf[i] + 1).ToString(inv),
                data.Labels[data.LabelIndex[i]], data.Labels[predicted], p[predicted].ToString("G6", inv),
            };
            row.AddRange(p.Select(v => v.ToString("G6", inv)));
            if (nested.TreeProbabilities is { } tree && nested.CnnProbabilities is { } cnn)
            {
                row.AddRange(tree[i].Select(v => v.ToString("G6", inv)));
                row.AddRange(cnn[i].Select(v => v.ToString("G6", inv)));
            }

            if (withRaw)
            {
                row.AddRange(nested.RawProbabilities[i].Select(v => v.ToString("G9", inv)));
            }

            b.AppendLine(string.Join(',', row.Select(PredictionWriter.Csv)));
        }

        AtomicFile.WriteAllText(path, b.ToString());
    }

    private static string MetricName(OptimizationMetric metric) => metric == OptimizationMetric.Accuracy ? "accuracy" : "macro-F1";
}
