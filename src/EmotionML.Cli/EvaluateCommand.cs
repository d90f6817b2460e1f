using System.Globalization;
using EmotionML.Training.Corpora;
using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;
using EmotionML.Training.Reports;
using Microsoft.ML;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EmotionML.Cli;

/// <summary>
/// <c>emotionml evaluate</c>: scores a model bundle on a labelled corpus. When the corpus' labels differ from the
/// model's, both are mapped into the common label set and the classes that cannot be compared are named.
/// </summary>
public sealed class EvaluateCommand : Command<EvaluateSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, EvaluateSettings settings, CancellationToken cancellationToken)
    {
        var err = ConsoleOutput.Errors;
        ModelBundle bundle;
        try
        {
            bundle = ModelBundle.Load(settings.Model);
        }
        catch (ModelBundleException ex)
        {
            err.MarkupLineInterpolated($"[red]error:[/] {settings.Model}: {ex.Message}");
            return 2;
        }

        var manifest = bundle.Manifest;
        var (corpus, data) = CorpusLoader.Load(settings, manifest.FeatureOptions, cancellationToken);
        var modelLabels = manifest.Labels;
        bool sameLabels = data.Labels.All(l => modelLabels.Contains(l));
        Func<string, string?> mapTruth = sameLabels ? l => l : l => CommonLabels.Map(l);
        Func<string, string?> mapPrediction = sameLabels ? l => l : l => CommonLabels.Map(l) ?? l;
        var space = sameLabels ? modelLabels.ToArray() : modelLabels.Select(l => mapPrediction(l)!).Distinct().ToArray();
        var keep = Enumerable.Range(0, data.Count).Where(i => mapTruth(data.Items[i].Label) is { } t && space.Contains(t)).ToArray();
        var dropped = data.Items.Select(i => i.Label).Distinct().Where(l => mapTruth(l) is not { } t || !space.Contains(t)).Order(StringComparer.Ordinal).ToArray();
        if (dropped.Length > 0)
        {
            err.MarkupLineInterpolated($"[yellow]not comparable, dropped:[/] {string.Join(", ", dropped)} ({data.Count - keep.Length} clips)");
        }

        if (keep.Length == 0)
        {
            err.MarkupLine("[red]error:[/] no clip of this corpus has a label the model knows.");
            return 2;
        }

        var features = manifest.SpeakerNormalization ? SpeakerNormalizer.Normalize(data.Features, data.Speakers) : data.Features;
        var ml = new MLContext(0);
        var model = bundle.LoadModel(ml);
        var scores = ModelScorer.Score(ml, model, manifest.Schema, keep.Select(i => features[i]).ToArray(), modelLabels[0]);
        var truth = keep.Select(i => Array.IndexOf(space, mapTruth(data.Items[i].Label))).ToArray();
        var predicted = scores.Select(s => Array.IndexOf(space, mapPrediction(modelLabels[ModelScorer.ArgMax(s)]))).ToArray();
        var metrics = ClassificationMetrics.Compute(space, truth, predicted);

        var reportDir = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.Model))!, $"{Path.GetFileNameWithoutExtension(settings.Model)}.evaluation-{corpus.Name}");
        var description = new List<string>
        {
            $"Model: {Path.GetFileName(settings.Model)} ({manifest.Trainer}, trained on {manifest.TrainingData.Corpus}: {manifest.TrainingData.Items} clips, {manifest.TrainingData.Speakers.Count} speakers)",
            $"Data: {corpus.Name} at {settings.Data}, {keep.Length} clips, {keep.Select(i => data.Items[i].Speaker).Distinct().Count()} speakers",
            sameLabels ? "Labels: the model's own" : $"Labels: mapped into the common set; dropped: {(dropped.Length == 0 ? "none" : string.Join(", ", dropped))}",
        };
        var overlap = keep.Select(i => data.Items[i].Speaker).Distinct().Intersect(manifest.TrainingData.Speakers).ToArray();
        description.Add(overlap.Length == 0 ? "Speakers: none of them was in the training data" : $"Warning: {overlap.Length} speakers were also in the training data; this is not a held-out estimate");
        var json = new Dictionary<string, object?>
        {
            ["model"] = Path.GetFullPath(settings.Model),
            ["data"] = Path.GetFullPath(settings.Data),
            ["corpus"] = corpus.Name,
            ["labelMapping"] = sameLabels ? "none" : "common",
            ["droppedClasses"] = dropped,
            ["speakersAlsoInTraining"] = overlap,
        };
        EvaluationReport.Write(reportDir, metrics, $"{Path.GetFileNameWithoutExtension(settings.Model)} on {corpus.Name}", description, json);

        if (settings.Format2 == "json")
        {
            Console.Out.WriteLine(EvaluationReport.ToJson(metrics, json));
        }
        else
        {
            var table = new Table().Title($"{Path.GetFileName(settings.Model)} on {corpus.Name} ({keep.Length} clips)").AddColumns("class", "precision", "recall", "F1", "support");
            foreach (var c in metrics.PerClass)
            {
                table.AddRow(c.Label, c.Precision.ToString("F3", CultureInfo.InvariantCulture), c.Recall.ToString("F3", CultureInfo.InvariantCulture), c.F1.ToString("F3", CultureInfo.InvariantCulture), c.Support.ToString(CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accuracy {metrics.Accuracy:F3}, macro-F1 {metrics.MacroF1:F3}, weighted-F1 {metrics.WeightedF1:F3}\nReport: {reportDir}"));
        }

        return 0;
    }
}
