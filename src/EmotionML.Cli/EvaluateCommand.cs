using System.Globalization;
using EmotionML.Training.Cnn;
using EmotionML.Training.Evaluation;
using EmotionML.Training.Reports;
using Spectre.Console;

namespace EmotionML.Cli;

/// <summary>
/// <c>emotionml evaluate</c>: scores a model bundle on a labelled corpus through <see cref="ModelEvaluator"/>.
/// When the corpus' labels differ from the model's, both are mapped into the common label set and the classes that
/// cannot be compared are named; speaker-normalised models are scored with enrolment profiles (<c>--enrol</c>).
/// </summary>
public static class EvaluateCommand
{
    /// <summary>Runs the command; returns the process' exit code.</summary>
    public static int Execute(EvaluateSettings settings, CancellationToken cancellationToken)
    {
        var err = ConsoleOutput.Errors;
        EmotionModel model;
        try
        {
            model = EmotionModel.Load(settings.Model);
        }
        catch (ModelBundleException ex)
        {
            err.MarkupLineInterpolated($"[red]error:[/] {settings.Model}: {ex.Message}");
            return 2;
        }

        using var _ = model;
        var manifest = model.Manifest!;
        var (corpus, data) = CorpusLoader.Load(settings, manifest.FeatureOptions, cancellationToken);
        if (model.Cnn is { } cnn)
        {
            var mel = ConsoleOutput.WithProgress($"Computing log-mel spectrograms ({corpus.Items.Count} clips)", corpus.Items.Count,
                progress => LogMelCorpus.Build(corpus, cnn.LogMel.Options, settings.Threads, progress, cancellationToken));
            data = data.WithLogMel(mel);
        }

        ModelEvaluation evaluation;
        try
        {
            evaluation = ModelEvaluator.Evaluate(model, data, settings.EnrolmentClips, seed: 0);
        }
        catch (ArgumentException ex)
        {
            err.MarkupLineInterpolated($"[red]error:[/] {ex.Message}");
            return 2;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (evaluation.DroppedClasses.Count > 0)
        {
            err.MarkupLineInterpolated($"[yellow]not comparable, dropped:[/] {string.Join(", ", evaluation.DroppedClasses)} ({evaluation.DroppedClips} clips)");
        }

        var metrics = evaluation.Metrics;
        var reportDir = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.Model))!, $"{Path.GetFileNameWithoutExtension(settings.Model)}.evaluation-{corpus.Name}");
        var description = new List<string>
        {
            $"Model: {Path.GetFileName(settings.Model)} ({manifest.Trainer}{(model.RequiresSpeakerProfile ? ", speaker-normalised" : "")}, trained on {manifest.TrainingData.Corpus}: {manifest.TrainingData.Items} clips, {manifest.TrainingData.Speakers.Count} speakers)",
            $"Data: {corpus.Name} at {settings.Data}, {evaluation.Clips} clips, {evaluation.Speakers} speakers",
            evaluation.LabelsMapped ? $"Labels: mapped into the common set; dropped: {(evaluation.DroppedClasses.Count == 0 ? "none" : string.Join(", ", evaluation.DroppedClasses))}" : "Labels: the model's own",
            evaluation.SpeakersAlsoInTraining.Count == 0 ? "Speakers: none of them was in the training data" : $"Warning: {evaluation.SpeakersAlsoInTraining.Count} speakers were also in the training data; this is not a held-out estimate",
        };
        if (evaluation.EnrolmentClips is { } k)
        {
            description.Add($"Enrolment: each clip scored with a speaker profile from {EnrolmentProtocol.Describe(k)} of its speaker (label-free, never the clip itself)");
        }

        var json = new Dictionary<string, object?>
        {
            ["model"] = Path.GetFullPath(settings.Model),
            ["modelTrainer"] = manifest.Trainer,
            ["speakerNormalization"] = model.RequiresSpeakerProfile,
            ["data"] = Path.GetFullPath(settings.Data),
            ["corpus"] = corpus.Name,
            ["labelMapping"] = evaluation.LabelsMapped ? "common" : "none",
            ["droppedClasses"] = evaluation.DroppedClasses,
            ["speakersAlsoInTraining"] = evaluation.SpeakersAlsoInTraining,
            ["enrolmentClips"] = evaluation.EnrolmentClips,
            ["enrolment"] = evaluation.Enrolment.Select(p => new { clips = p.Clips, accuracy = p.Accuracy, macroF1 = p.MacroF1 }).ToArray(),
            ["meanConfidence"] = Math.Round(evaluation.MeanConfidence, 6),
            ["eceBefore"] = evaluation.EceBefore,
            ["eceAfter"] = evaluation.EceAfter,
            ["inDomainShare"] = evaluation.InDomainShare,
            ["accuracyInDomain"] = evaluation.AccuracyInDomain,
            ["eceInDomain"] = evaluation.EceInDomain,
        };
        description.Add(string.Create(CultureInfo.InvariantCulture, $"Confidence: mean {evaluation.MeanConfidence:F3} against accuracy {metrics.Accuracy:F3}; expected calibration error {evaluation.EceBefore:F3} raw → {evaluation.EceAfter:F3} calibrated"));
        if (evaluation.InDomainShare is { } share)
        {
            description.Add(evaluation.AccuracyInDomain is { } accIn
                ? string.Create(CultureInfo.InvariantCulture, $"Domain check: {share:P1} of clips in domain; on those accuracy {accIn:F3} and ECE {evaluation.EceInDomain ?? 0:F3}, against {metrics.Accuracy:F3} and {evaluation.EceAfter:F3} on all")
                : "Domain check: no clip is in domain — these recordings are unlike the model's training data, and every prediction carries the out-of-domain mark");
        }
        EvaluationReport.Write(reportDir, metrics, $"{Path.GetFileNameWithoutExtension(settings.Model)} on {corpus.Name}", description, json);

        if (settings.Format2 == "json")
        {
            Console.Out.WriteLine(EvaluationReport.ToJson(metrics, json));
        }
        else
        {
            var table = new Table().Title($"{Path.GetFileName(settings.Model)} on {corpus.Name} ({evaluation.Clips} clips)").AddColumns("class", "precision", "recall", "F1", "support");
            foreach (var c in metrics.PerClass)
            {
                table.AddRow(c.Label, c.Precision.ToString("F3", CultureInfo.InvariantCulture), c.Recall.ToString("F3", CultureInfo.InvariantCulture), c.F1.ToString("F3", CultureInfo.InvariantCulture), c.Support.ToString(CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            foreach (var p in evaluation.Enrolment)
            {
                AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture, $"enrolment {EnrolmentProtocol.Describe(p.Clips)}: accuracy {p.Accuracy:F3}, macro-F1 {p.MacroF1:F3}"));
            }

            foreach (var line in description.Where(d => d.StartsWith("Confidence", StringComparison.Ordinal) || d.StartsWith("Domain check", StringComparison.Ordinal)))
            {
                AnsiConsole.WriteLine(line);
            }

            AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accuracy {metrics.Accuracy:F3}, macro-F1 {metrics.MacroF1:F3}, weighted-F1 {metrics.WeightedF1:F3}\nReport: {reportDir}"));
        }

        return 0;
    }
}
