using EmotionML.Training.AutoML;
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
    public static ModelBundle Create(ExperimentResult result, EmotionDataset data, string source, Features.FeatureOptions featureOptions)
    {
        var m = result.CrossValidatedMetrics;
        var manifest = new ModelManifest
        {
            CreatedUtc = DateTime.UtcNow,
            Labels = data.Labels.ToArray(),
            LabelSet = data.Corpus.Labels.Name,
            FeatureOptions = featureOptions,
            SchemaName = data.Schema.Name,
            SchemaVersion = data.Schema.Version,
            SchemaFingerprint = data.Schema.Fingerprint,
            SchemaColumns = data.Schema.Columns.ToArray(),
            SpeakerNormalization = result.Best.Config.SpeakerNormalization,
            Trainer = result.Best.Config.Trainer.ToString(),
            Parameters = result.Best.Config.Parameters.ToDictionary(p => p.Key, p => p.Value),
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
                Metric = result.Metric == OptimizationMetric.Accuracy ? "accuracy" : "macro-F1",
                Mean = Math.Round(result.Best.Mean, 6),
                Std = Math.Round(result.Best.Std, 6),
                Accuracy = Math.Round(m.Accuracy, 6),
                MacroF1 = Math.Round(m.MacroF1, 6),
                WeightedF1 = Math.Round(m.WeightedF1, 6),
            },
        };
        return ModelBundle.Create(result.Context, result.Model, result.InputSchema, manifest);
    }

    /// <summary>The report folder of a bundle: <c>MODEL.report/</c> next to it.</summary>
    public static string ReportDirectory(string bundlePath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(bundlePath))!, Path.GetFileNameWithoutExtension(bundlePath) + ".report");

    /// <summary>Writes the training report (cross-validated metrics, leaderboard, pictures) for a bundle.</summary>
    public static void WriteReport(string bundlePath, ExperimentResult result, EmotionDataset data)
    {
        var dir = ReportDirectory(bundlePath);
        var best = result.Best;
        var description = new List<string>
        {
            $"Model: {best.Config}",
            $"Data: {data.Corpus.Name}, {data.Count} clips, {data.Speakers.Distinct().Count()} speakers, {data.Labels.Count} classes ({string.Join(", ", data.Labels)})",
            $"Split: {result.Folds.Description} — no speaker is on both sides; metrics pool every clip's prediction from the fold that held it out",
            $"Search: {result.Trials.Count} trials in {result.Elapsed.TotalSeconds:F0} s (stopped: {result.StoppedBecause}); {(result.Metric == OptimizationMetric.Accuracy ? "accuracy" : "macro-F1")} over folds {best.Mean:F3} ± {best.Std:F3}",
        };
        if (best.Config.SpeakerNormalization)
        {
            description.Add("Speaker normalisation: each speaker's features are standardised on that speaker's own clips (label-free), including held-out speakers'.");
        }

        // Accuracy and macro-F1 of each held-out fold (mean ± population std, as the peer reports them).
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

        var accuracy = Summary(m => m.Accuracy);
        var macroF1 = Summary(m => m.MacroF1);
        description.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Per fold: accuracy {accuracy.Mean:F3} ± {accuracy.Std:F3}, macro-F1 {macroF1.Mean:F3} ± {macroF1.Std:F3} (mean ± population std over the {result.Folds.Count} held-out folds); the figures below pool all folds"));
        var context = new Dictionary<string, object?>
        {
            ["model"] = best.Config.ToString(),
            ["data"] = data.Corpus.Name,
            ["split"] = result.Folds.Description,
            ["foldMean"] = Math.Round(best.Mean, 6),
            ["foldStd"] = Math.Round(best.Std, 6),
            ["foldAccuracy"] = new { mean = accuracy.Mean, std = accuracy.Std },
            ["foldMacroF1"] = new { mean = macroF1.Mean, std = macroF1.Std },
            ["folds"] = perFold.Select((m, k) => new { fold = k + 1, speakers = result.Folds.SpeakersPerFold[k], accuracy = Math.Round(m.Accuracy, 6), macroF1 = Math.Round(m.MacroF1, 6), clips = m.Count }).ToArray(),
        };
        EvaluationReport.Write(dir, result.CrossValidatedMetrics, $"{data.Corpus.Name}: cross-validated ({result.Folds.Count} speaker-grouped folds)", description, context);
        LeaderboardReport.Write(dir, result);
    }
}
