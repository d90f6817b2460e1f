using EmotionML.Features;

namespace EmotionML;

/// <summary>
/// Everything a bundle says about its model besides the ML.NET model itself: labels, feature configuration and
/// schema, training data, validation split and metrics, and the model's checksum.
/// </summary>
public sealed record ModelManifest
{
    /// <summary>The bundle format this library writes (3: may carry an imported CNN; 2, without one, is still read).</summary>
    public const int CurrentFormatVersion = 3;

    /// <summary>Bundle format version.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>When the model was trained (UTC).</summary>
    public DateTime CreatedUtc { get; init; }

    /// <summary>The labels, in the order of the model's scores.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>The label set's name ("ravdess", "common", ...).</summary>
    public string LabelSet { get; init; } = "";

    /// <summary>The options that computed the training features.</summary>
    public FeatureOptions FeatureOptions { get; init; } = new();

    /// <summary>Feature schema name.</summary>
    public string SchemaName { get; init; } = "";

    /// <summary>Feature schema version.</summary>
    public int SchemaVersion { get; init; }

    /// <summary>Feature schema fingerprint.</summary>
    public string SchemaFingerprint { get; init; } = "";

    /// <summary>Feature column names.</summary>
    public IReadOnlyList<string> SchemaColumns { get; init; } = [];

    /// <summary>
    /// How features are standardised per speaker before the model, or null when the model needs no speaker
    /// profile (see the README on enrolment clips).
    /// </summary>
    public SpeakerNormalization? SpeakerNormalization { get; init; }

    /// <summary>Temperature scaling fitted on held-out speakers, or null (scores as the model gives them).</summary>
    public ProbabilityCalibration? Calibration { get; init; }

    /// <summary>The out-of-domain check's threshold and coverage, or null when the bundle has no domain model.</summary>
    public DomainSummary? Domain { get; init; }

    /// <summary>The imported CNN blended with (or replacing) the tree model, or null (its graph and sidecar are the bundle's <c>cnn.onnx</c> and <c>cnn.json</c>).</summary>
    public CnnSummary? Cnn { get; init; }

    /// <summary>The trainer and its hyper-parameters.</summary>
    public string Trainer { get; init; } = "";

    /// <summary>Hyper-parameter values.</summary>
    public IReadOnlyDictionary<string, double> Parameters { get; init; } = new Dictionary<string, double>();

    /// <summary>The training data: corpus, items, speakers.</summary>
    public TrainingDataDescription TrainingData { get; init; } = new();

    /// <summary>How the model was validated and what it scored.</summary>
    public ValidationSummary Validation { get; init; } = new();

    /// <summary>SHA-256 of the ML.NET model entry (the bundle's own checksum covers the manifest too).</summary>
    public string ModelSha256 { get; init; } = "";

    /// <summary>The feature schema the model expects.</summary>
    public FeatureSchema Schema => FeatureSchema.FromStored(SchemaName, SchemaVersion, SchemaColumns, SchemaFingerprint);
}

/// <summary>The imported CNN a bundle carries and how it was blended.</summary>
public sealed record CnnSummary
{
    /// <summary>The CNN's share of the probabilities (1: the CNN alone).</summary>
    public double Weight { get; init; }

    /// <summary>SHA-256 of <c>cnn.onnx</c>.</summary>
    public string OnnxSha256 { get; init; } = "";

    /// <summary>The log-mel settings' fingerprint (also in the sidecar).</summary>
    public string LogMelFingerprint { get; init; } = "";

    /// <summary>How the weight was chosen (speakers, metric), or a note for a model imported as it is.</summary>
    public string Selection { get; init; } = "";

    /// <summary>The selection metric per candidate weight on the selection speakers (weight → score), when chosen by training.</summary>
    public IReadOnlyDictionary<string, double> WeightScores { get; init; } = new Dictionary<string, double>();

    /// <summary>Whether clips the domain check flags are scored by the CNN alone (<see cref="EmotionModel.CnnAloneOutOfDomain"/>); false in bundles written before it existed.</summary>
    public bool CnnAloneOutOfDomain { get; init; }
}

/// <summary>The out-of-domain check a bundle carries (its matrix is the bundle's <c>domain.bin</c>).</summary>
public sealed record DomainSummary
{
    /// <summary>The method.</summary>
    public string Method { get; init; } = "mahalanobis-ledoit-wolf";

    /// <summary>Distances above this are out of domain.</summary>
    public double Threshold { get; init; }

    /// <summary>The share of held-out speakers' clips of the training corpus that passed when the threshold was set.</summary>
    public double Coverage { get; init; }
}

/// <summary>What a model was trained on.</summary>
public sealed record TrainingDataDescription
{
    /// <summary>Corpus name(s).</summary>
    public string Corpus { get; init; } = "";

    /// <summary>Where the data was read from.</summary>
    public string Source { get; init; } = "";

    /// <summary>Number of clips.</summary>
    public int Items { get; init; }

    /// <summary>Speaker ids.</summary>
    public IReadOnlyList<string> Speakers { get; init; } = [];

    /// <summary>Clips per label.</summary>
    public IReadOnlyDictionary<string, int> LabelCounts { get; init; } = new Dictionary<string, int>();
}

/// <summary>The validation protocol and the scores it gave.</summary>
public sealed record ValidationSummary
{
    /// <summary>The split, e.g. "RAVDESS by actor: fold k = actors 4k+1..4k+4".</summary>
    public string Split { get; init; } = "";

    /// <summary>Number of folds.</summary>
    public int Folds { get; init; }

    /// <summary>The metric the search maximised.</summary>
    public string Metric { get; init; } = "";

    /// <summary>Mean of the metric over folds.</summary>
    public double Mean { get; init; }

    /// <summary>Population std of the metric over folds.</summary>
    public double Std { get; init; }

    /// <summary>Accuracy of all out-of-fold predictions together.</summary>
    public double Accuracy { get; init; }

    /// <summary>Macro-F1 of all out-of-fold predictions together.</summary>
    public double MacroF1 { get; init; }

    /// <summary>Weighted F1 of all out-of-fold predictions together.</summary>
    public double WeightedF1 { get; init; }

    /// <summary>
    /// The estimate to quote: nested evaluation, where the whole search ran again inside each outer fold on that
    /// fold's training speakers only and its winner was scored once on the held-out speakers; null when skipped.
    /// The figures above are the final winner's inner cross-validation, which the search maximised (optimistic).
    /// </summary>
    public NestedSummary? Nested { get; init; }

    /// <summary>For speaker-normalised models: accuracy by number of enrolment clips (held-out speakers, nested when available).</summary>
    public IReadOnlyList<EnrolmentPoint> Enrolment { get; init; } = [];
}

/// <summary>A nested, speaker-independent estimate.</summary>
public sealed record NestedSummary
{
    /// <summary>The outer split.</summary>
    public string Split { get; init; } = "";

    /// <summary>Outer folds.</summary>
    public int OuterFolds { get; init; }

    /// <summary>Accuracy over all outer held-out predictions together.</summary>
    public double Accuracy { get; init; }

    /// <summary>Macro-F1 over all outer held-out predictions together.</summary>
    public double MacroF1 { get; init; }

    /// <summary>Mean of the outer folds' accuracy.</summary>
    public double AccuracyFoldMean { get; init; }

    /// <summary>Population std of the outer folds' accuracy.</summary>
    public double AccuracyFoldStd { get; init; }

    /// <summary>Mean of the outer folds' macro-F1.</summary>
    public double MacroF1FoldMean { get; init; }

    /// <summary>Population std of the outer folds' macro-F1.</summary>
    public double MacroF1FoldStd { get; init; }

    /// <summary>Enrolment clips per held-out speaker for speaker-normalised winners (0 when none needed one).</summary>
    public int EnrolmentClips { get; init; }

    /// <summary>Expected calibration error (10 bins, top label) on the outer held-out speakers before calibration.</summary>
    public double? EceBefore { get; init; }

    /// <summary>The same after each outer winner's calibration (fitted on its inner folds only).</summary>
    public double? EceAfter { get; init; }

    /// <summary>Negative log-likelihood per clip before calibration.</summary>
    public double? NllBefore { get; init; }

    /// <summary>Negative log-likelihood per clip after calibration.</summary>
    public double? NllAfter { get; init; }

    /// <summary>The share of outer held-out clips the domain check passed.</summary>
    public double? InDomainShare { get; init; }
}

/// <summary>One point of an enrolment curve.</summary>
public sealed record EnrolmentPoint
{
    /// <summary>Enrolment clips per speaker; 0 means all of the speaker's other clips.</summary>
    public int Clips { get; init; }

    /// <summary>Accuracy on the clips scored.</summary>
    public double Accuracy { get; init; }

    /// <summary>Macro-F1 on the clips scored.</summary>
    public double MacroF1 { get; init; }
}
