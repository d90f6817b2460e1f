using Microsoft.Extensions.Options;

namespace EmotionML.Web;

/// <summary>What <c>GET /api/model</c> says about the served model, and where its confusion matrix image is.</summary>
internal sealed class ModelInfoProvider
{
    private const string DefaultConfusionResource = "EmotionML.Web.default-confusion.svg";
    private readonly string? _reportDirectory;
    private readonly bool _defaultModel;

    public ModelInfoProvider(EmotionEngine engine, IOptions<EmotionWebOptions> options)
    {
        var web = options.Value;
        _defaultModel = web.ModelPath is null;
        _reportDirectory = web.ReportDirectory
            ?? (web.ModelPath is { } model ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(model)) ?? ".", Path.GetFileNameWithoutExtension(model) + ".report") : null);
        Model = Describe(engine.Bundle.Manifest, HasConfusionMatrix ? "/api/model/confusion.svg" : null);
    }

    /// <summary>The description.</summary>
    public ModelResponse Model { get; }

    private bool HasConfusionMatrix => _reportDirectory is not null
        ? File.Exists(Path.Combine(_reportDirectory, "confusion.svg"))
        : _defaultModel && typeof(ModelInfoProvider).Assembly.GetManifestResourceInfo(DefaultConfusionResource) is not null;

    /// <summary>Opens the confusion matrix image (SVG), or null when there is none.</summary>
    public Stream? OpenConfusionMatrix()
    {
        if (_reportDirectory is not null)
        {
            string path = Path.Combine(_reportDirectory, "confusion.svg");
            return File.Exists(path) ? File.OpenRead(path) : null;
        }

        return _defaultModel ? typeof(ModelInfoProvider).Assembly.GetManifestResourceStream(DefaultConfusionResource) : null;
    }

    internal static ModelResponse Describe(ModelManifest manifest, string? confusionUrl)
    {
        var validation = manifest.Validation;
        AccuracyResponse? accuracy = validation.Nested is { } nested
            ? new AccuracyResponse(
                $"nested speaker-independent evaluation: {nested.Split}; the whole model search ran inside each of {nested.OuterFolds} outer folds"
                + (nested.EnrolmentClips > 0 ? $", speaker profiles from {nested.EnrolmentClips} enrolment clips" : ", no speaker enrolment"),
                true, nested.Accuracy, nested.MacroF1, nested.AccuracyFoldStd)
            : validation.Folds > 0
                ? new AccuracyResponse($"{validation.Split} ({validation.Folds} folds; maximised by the model search, so optimistic)", false, validation.Accuracy, validation.MacroF1, null)
                : null;
        var calibration = manifest.Calibration is { } c
            ? new CalibrationResponse(c.Method, c.Temperature, validation.Nested?.EceAfter ?? c.EceAfter)
            : null;
        var normalization = new SpeakerNormalizationResponse(
            manifest.SpeakerNormalization is not null,
            manifest.SpeakerNormalization?.MinimumClips ?? 0,
            validation.Enrolment.Select(p => new EnrolmentPointResponse(p.Clips, p.Accuracy, p.MacroF1)).ToList());
        var data = manifest.TrainingData;
        return new ModelResponse(
            manifest.Labels,
            manifest.LabelSet,
            manifest.Trainer,
            new TrainingDataResponse(data.Corpus, data.Items, data.Speakers.Count),
            accuracy,
            calibration,
            manifest.Cnn is { } cnn ? new CnnResponse(cnn.Weight, cnn.Selection, cnn.CnnAloneOutOfDomain) : null,
            normalization,
            new SchemaResponse(manifest.SchemaName, manifest.SchemaVersion, manifest.SchemaFingerprint, manifest.SchemaColumns.Count),
            confusionUrl);
    }
}
