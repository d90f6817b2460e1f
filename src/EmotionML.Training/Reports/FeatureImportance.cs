using System.Globalization;
using System.Text;
using EmotionML.Training.AutoML;
using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;

namespace EmotionML.Training.Reports;

/// <summary>
/// Which features matter: permutation feature importance of the winning pipeline, measured honestly and through
/// the same <see cref="EmotionModel"/> that predicts — the pipeline is fitted without one fold's speakers, and the
/// importance of a column is the drop in macro-accuracy (mean per-class recall) on those held-out speakers when the
/// column's values are shuffled among them (before any speaker normalisation, which the model applies itself).
/// </summary>
public static class FeatureImportance
{
    /// <summary>The features by importance, largest drop first.</summary>
    /// <param name="result">The experiment result (its winner's configuration and folds are used).</param>
    /// <param name="data">The data it ran on.</param>
    /// <param name="fold">The held-out fold.</param>
    /// <param name="permutations">Shuffles per feature.</param>
    /// <param name="cancellationToken">Stops the computation.</param>
    public static IReadOnlyList<(string Feature, double Drop, double StdErr)> Compute(ExperimentResult result, EmotionDataset data, int fold = 0, int permutations = 3, CancellationToken cancellationToken = default)
    {
        var validator = new CrossValidator(new Microsoft.ML.MLContext(0), data, result.Folds, result.Metric, Environment.ProcessorCount, result.EnrolmentClips);
        var (train, validation) = result.Folds.Split(fold);
        using var model = validator.Fit(result.Best.Config, train);
        var truth = validation.Select(i => data.LabelIndex[i]).ToArray();
        var profiles = EnrolmentProtocol.ProfilesFor(model, data.Features, data.Speakers, validation, validation, result.EnrolmentClips, 0);
        var baseRows = validation.Select(i => data.Features[i]).ToArray();
        double MacroAccuracy(float[][] rows) =>
            ClassificationMetrics.Compute(data.Labels, truth, model.PredictProbabilities(rows, profiles).Select(EmotionModel.ArgMax).ToArray()).PerClass.Where(c => c.Support > 0).Average(c => c.Recall);
        double baseline = MacroAccuracy(baseRows);
        var random = new Random(0);
        var importance = new List<(string, double, double)>();
        for (int c = 0; c < data.Schema.Columns.Count; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var drops = new double[permutations];
            for (int r = 0; r < permutations; r++)
            {
                var order = Enumerable.Range(0, baseRows.Length).ToArray();
                random.Shuffle(order);
                var rows = baseRows.Select((v, n) =>
                {
                    var copy = (float[])v.Clone();
                    copy[c] = baseRows[order[n]][c];
                    return copy;
                }).ToArray();
                drops[r] = baseline - MacroAccuracy(rows);
            }

            double mean = drops.Average();
            double stdErr = permutations > 1 ? Math.Sqrt(drops.Sum(d => (d - mean) * (d - mean)) / (permutations - 1) / permutations) : 0;
            importance.Add((data.Schema.Columns[c], mean, stdErr));
        }

        return importance.OrderByDescending(p => p.Item2).ToArray();
    }

    /// <summary>Writes feature-importance.md and a bar chart of the top features (SVG and PNG).</summary>
    public static void Write(string directory, IReadOnlyList<(string Feature, double Drop, double StdErr)> importance, string description, int top = 25)
    {
        Directory.CreateDirectory(directory);
        var shown = importance.Take(top).Select(i => (i.Feature, i.Drop)).ToArray();
        Charts.RankedBars(shown, $"Permutation feature importance (top {shown.Length})", "drop in macro-accuracy on held-out speakers").SaveSvgAndPng(Path.Combine(directory, "feature-importance"), 760, 640);
        var b = new StringBuilder();
        b.AppendLine("# Permutation feature importance").AppendLine().AppendLine(description).AppendLine();
        b.AppendLine("![feature importance](feature-importance.svg)").AppendLine().AppendLine("| rank | feature | drop in macro-accuracy | std. error |").AppendLine("|---:|---|---:|---:|");
        int rank = 1;
        foreach (var (feature, drop, stdErr) in importance.Take(top))
        {
            b.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {rank++} | {feature} | {drop:F4} | {stdErr:F4} |"));
        }

        var groups = importance.GroupBy(i => new string(i.Feature.TakeWhile(char.IsLetter).ToArray()) + (i.Feature.EndsWith("_std", StringComparison.Ordinal) ? " std" : " mean"))
            .Select(g => (Group: g.Key, Total: g.Sum(x => Math.Max(0, x.Drop)))).OrderByDescending(g => g.Total).ToArray();
        b.AppendLine().AppendLine("By feature family (sum of positive drops):").AppendLine().AppendLine("| family | total drop |").AppendLine("|---|---:|");
        foreach (var (group, total) in groups)
        {
            b.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {group} | {total:F4} |"));
        }

        EvaluationReport.AtomicWrite(Path.Combine(directory, "feature-importance.md"), b.ToString());
    }
}
