using System.Globalization;
using Spectre.Console;

namespace EmotionML.Cli;

/// <summary><c>emotionml info [MODEL]</c>: what a bundle holds (the default model's without one).</summary>
public static class InfoCommand
{
    /// <summary>Arguments.</summary>
    public sealed class Settings : ICommandSettings
    {
        /// <summary>The bundle, or null for the default model.</summary>
        public string? Model { get; set; }

        /// <summary>The command line's options for these settings.</summary>
        internal static CommandDefinition<Settings> Define(string name, string description) => new CommandDefinition<Settings>(name, description)
            .OptionalArgument("model", "A model bundle (default: the model embedded in EmotionML, which predict uses without --model)", (s, v) => s.Model = v);

        /// <inheritdoc />
        public string? Validate() => null;
    }

    /// <summary>Runs the command; returns the process' exit code.</summary>
    public static int Execute(Settings settings, CancellationToken cancellationToken)
    {
        ModelBundle bundle;
        try
        {
            bundle = settings.Model is { } path ? ModelBundle.Load(path) : EmotionEngine.LoadDefaultBundle();
        }
        catch (ModelBundleException ex)
        {
            ConsoleOutput.Errors.MarkupLineInterpolated($"[red]error:[/] {settings.Model ?? "the default model"}: {ex.Message}");
            return 2;
        }

        var m = bundle.Manifest;
        var v = m.Validation;
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string key, string value) => grid.AddRow(new Markup($"[bold]{Markup.Escape(key)}[/]"), new Text(value));
        Row("labels", string.Join(", ", m.Labels) + $" ({m.LabelSet})");
        Row("trainer", $"{m.Trainer} {{{string.Join(", ", m.Parameters.Select(p => $"{p.Key}={p.Value.ToString("G4", CultureInfo.InvariantCulture)}"))}}}");
        Row("speaker normalisation", m.SpeakerNormalization is { } norm ? string.Create(CultureInfo.InvariantCulture, $"yes, shrinkage τ = {norm.Shrinkage:G3} (needs a profile from other clips of the same speaker at prediction time)") : "no");
        Row("features", $"{m.SchemaName} v{m.SchemaVersion}, {m.SchemaColumns.Count} columns, fingerprint {m.SchemaFingerprint}");
        Row("CNN", m.Cnn is { } cnn
            ? string.Create(CultureInfo.InvariantCulture, $"imported ONNX on log-mel (fingerprint {cnn.LogMelFingerprint}), weight {cnn.Weight:0.0#} of the probabilities{(cnn.Weight >= 1 ? " (the CNN alone)" : "")}{(cnn.CnnAloneOutOfDomain ? "; the CNN alone for clips the domain check flags" : "")}; chosen by {cnn.Selection}")
            : "none (trees on the pooled vector)");
        Row("training data", $"{m.TrainingData.Corpus}: {m.TrainingData.Items} clips, {m.TrainingData.Speakers.Count} speakers ({m.TrainingData.Source})");
        Row("nested estimate", v.Nested is { } n
            ? string.Create(CultureInfo.InvariantCulture, $"{n.Split}, {n.OuterFolds} outer folds, search inside each: accuracy {n.Accuracy:F3}, macro-F1 {n.MacroF1:F3} (per fold {n.AccuracyFoldMean:F3} ± {n.AccuracyFoldStd:F3} / {n.MacroF1FoldMean:F3} ± {n.MacroF1FoldStd:F3}){(n.EnrolmentClips > 0 ? $"; {n.EnrolmentClips} enrolment clips per speaker" : "")}")
            : "not run (the figure below is optimistic)");
        if (v.Enrolment.Count > 0)
        {
            Row("enrolment curve", string.Join("; ", v.Enrolment.Select(p => string.Create(CultureInfo.InvariantCulture, $"{(p.Clips <= 0 ? "all others" : p.Clips.ToString(CultureInfo.InvariantCulture))}: {p.Accuracy:F3}"))));
        }

        Row("calibration", m.Calibration is { } cal
            ? string.Create(CultureInfo.InvariantCulture, $"temperature {cal.Temperature:G4}{(v.Nested is { EceBefore: { } eb, EceAfter: { } ea } ? $"; nested ECE {eb:F3} → {ea:F3}" : $"; ECE {cal.EceBefore:F3} → {cal.EceAfter:F3} on the out-of-fold predictions it was fitted on")}")
            : "none (scores as the model gives them)");
        Row("domain check", m.Domain is { } dom
            ? string.Create(CultureInfo.InvariantCulture, $"distance threshold {dom.Threshold:F3} ({dom.Coverage:P0} of held-out training-corpus clips pass){(v.Nested?.InDomainShare is { } share ? $"; nested: {share:P1} of held-out clips passed" : "")}")
            : "none");
        Row("inner CV (search-maximised)", string.Create(CultureInfo.InvariantCulture, $"{v.Split}: {v.Metric} {v.Mean:F3} ± {v.Std:F3} over folds; out-of-fold accuracy {v.Accuracy:F3}, macro-F1 {v.MacroF1:F3}"));
        Row("created", m.CreatedUtc.ToString("u", CultureInfo.InvariantCulture));
        AnsiConsole.Write(grid);
        return 0;
    }
}
