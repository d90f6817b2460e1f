using System.Globalization;
using System.Text;
using EmotionML.Training.AutoML;
using EmotionML.Training.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace EmotionML.Training.Reports;

/// <summary>
/// Which features matter: ML.NET's permutation feature importance of the winning pipeline, measured honestly —
/// the pipeline is fitted without one fold's speakers and the importance is the drop in macro-accuracy (mean
/// per-class recall) on those held-out speakers when a feature column is shuffled.
/// </summary>
public static class FeatureImportance
{
    /// <summary>The features by importance, largest drop first.</summary>
    /// <param name="result">The experiment result (its winner's configuration and folds are used).</param>
    /// <param name="data">The data it ran on.</param>
    /// <param name="fold">The held-out fold.</param>
    /// <param name="permutations">Shuffles per feature.</param>
    public static IReadOnlyList<(string Feature, double Drop, double StdErr)> Compute(ExperimentResult result, EmotionDataset data, int fold = 0, int permutations = 3)
    {
        var ml = new MLContext(0);
        var config = result.Best.Config;
        var features = config.SpeakerNormalization ? SpeakerNormalizer.Normalize(data.Features, data.Speakers) : data.Features;
        var (train, validation) = result.Folds.Split(fold);
        var keys = FeatureDataView.Keys(ml, data.Labels);
        var trainView = FeatureDataView.Create(ml, data.Schema, train.Select(i => features[i]).ToArray(), train.Select(i => data.Items[i].Label).ToArray());
        var model = PipelineFactory.Build(ml, config, keys, Environment.ProcessorCount).Fit(trainView);
        var validationView = FeatureDataView.Create(ml, data.Schema, validation.Select(i => features[i]).ToArray(), validation.Select(i => data.Items[i].Label).ToArray());
        // ML.NET's PFI evaluates the predictor on data already through the earlier transforms (label as key, normalised features).
        var steps = ((IEnumerable<ITransformer>)model).ToArray();
        var prefix = new TransformerChain<ITransformer>(steps[..^1]);
        var importance = ml.MulticlassClassification.PermutationFeatureImportance(steps[^1], prefix.Transform(validationView), PipelineFactory.LabelColumn, permutationCount: permutations);
        return importance
            .Select(p => (Feature: p.Key, Drop: -p.Value.MacroAccuracy.Mean, StdErr: p.Value.MacroAccuracy.StandardError))
            .OrderByDescending(p => p.Drop)
            .ToArray();
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
