namespace EmotionML.Web;

/// <summary>The answer of <c>POST /api/predict</c>.</summary>
/// <param name="Label">The most probable emotion.</param>
/// <param name="Confidence">Its calibrated probability.</param>
/// <param name="Labels">The model's labels, in its order.</param>
/// <param name="Scores">Every label's probability.</param>
/// <param name="DurationSeconds">The clip's duration.</param>
/// <param name="InDomain">Whether the clip resembles the model's training recordings (null when the model has no domain check).</param>
/// <param name="DomainScore">The domain distance over its threshold (1 = at the threshold).</param>
/// <param name="SpeakerProfileClips">Enrolment clips the speaker profile was built from (0: none).</param>
public sealed record PredictionResponse(
    string Label,
    float Confidence,
    IReadOnlyList<string> Labels,
    IReadOnlyDictionary<string, float> Scores,
    double DurationSeconds,
    bool? InDomain,
    double? DomainScore,
    int SpeakerProfileClips);

/// <summary>One window of <c>POST /api/predict/segments</c>.</summary>
/// <param name="Start">Start, seconds.</param>
/// <param name="End">End, seconds.</param>
/// <param name="Label">The most probable emotion.</param>
/// <param name="Confidence">Its calibrated probability.</param>
/// <param name="Scores">Every label's probability.</param>
/// <param name="InDomain">Whether the window resembles the model's training recordings.</param>
public sealed record SegmentResponse(double Start, double End, string Label, float Confidence, IReadOnlyDictionary<string, float> Scores, bool? InDomain);

/// <summary>The answer of <c>POST /api/predict/segments</c>: a timeline over sliding windows; silent windows are skipped.</summary>
/// <param name="DurationSeconds">The recording's duration.</param>
/// <param name="WindowSeconds">Window length.</param>
/// <param name="HopSeconds">Step between windows.</param>
/// <param name="Labels">The model's labels, in its order.</param>
/// <param name="Segments">The windows, in time order.</param>
public sealed record SegmentsResponse(double DurationSeconds, double WindowSeconds, double HopSeconds, IReadOnlyList<string> Labels, IReadOnlyList<SegmentResponse> Segments);

/// <summary>The answer of <c>GET /api/model</c>: what the served model is and how well it does, with the protocol named.</summary>
/// <param name="Labels">The labels it predicts.</param>
/// <param name="LabelSet">The label set's name.</param>
/// <param name="Trainer">The trainer that produced it.</param>
/// <param name="TrainingData">Corpus, clips and speakers it was trained on.</param>
/// <param name="Accuracy">Its accuracy estimate on speakers it has not seen, with the protocol; null when the bundle has none.</param>
/// <param name="Calibration">Its probability calibration, when it has one.</param>
/// <param name="Cnn">The log-mel CNN it blends in (or is), when it has one; null for trees alone.</param>
/// <param name="SpeakerNormalization">Whether it needs a speaker profile, and what enrolment clips buy.</param>
/// <param name="Schema">The feature schema's id.</param>
/// <param name="ConfusionMatrixUrl">The confusion matrix image from its training report, when available.</param>
public sealed record ModelResponse(
    IReadOnlyList<string> Labels,
    string LabelSet,
    string Trainer,
    TrainingDataResponse TrainingData,
    AccuracyResponse? Accuracy,
    CalibrationResponse? Calibration,
    CnnResponse? Cnn,
    SpeakerNormalizationResponse SpeakerNormalization,
    SchemaResponse Schema,
    string? ConfusionMatrixUrl);

/// <summary>The data a model was trained on.</summary>
/// <param name="Corpus">Corpus name.</param>
/// <param name="Clips">Clips.</param>
/// <param name="Speakers">Distinct speakers.</param>
public sealed record TrainingDataResponse(string Corpus, int Clips, int Speakers);

/// <summary>An accuracy estimate and how it was measured.</summary>
/// <param name="Protocol">The protocol in words (e.g. nested, speaker-independent, which folds).</param>
/// <param name="Nested">Whether the figure is a nested estimate (the search ran inside each outer fold).</param>
/// <param name="Accuracy">Accuracy.</param>
/// <param name="MacroF1">Macro-averaged F1.</param>
/// <param name="FoldAccuracyStd">Spread of accuracy across outer folds.</param>
public sealed record AccuracyResponse(string Protocol, bool Nested, double Accuracy, double MacroF1, double? FoldAccuracyStd);

/// <summary>The imported CNN on log-mel spectrograms that a model blends with its trees (or is, at weight 1).</summary>
/// <param name="Weight">The CNN's share of the probabilities: 1 for the CNN alone, otherwise the trees have the rest.</param>
/// <param name="Selection">How the weight was chosen (which speakers, which metric), or a note for an imported model.</param>
/// <param name="CnnAloneOutOfDomain">Whether clips the domain check flags are scored by the CNN alone.</param>
public sealed record CnnResponse(double Weight, string Selection, bool CnnAloneOutOfDomain = false);

/// <summary>How the probabilities were calibrated.</summary>
/// <param name="Method">The method (temperature scaling).</param>
/// <param name="Temperature">The fitted temperature.</param>
/// <param name="ExpectedCalibrationError">Expected calibration error after calibration on held-out speakers (nested when available).</param>
public sealed record CalibrationResponse(string Method, double Temperature, double? ExpectedCalibrationError);

/// <summary>Whether a model needs a speaker profile and what enrolment clips buy.</summary>
/// <param name="Required">True when predictions need enrolment clips of the speaker.</param>
/// <param name="MinimumClips">The fewest enrolment clips a profile can be built from.</param>
/// <param name="Curve">Accuracy on held-out speakers by number of enrolment clips (0 = all other clips of the speaker).</param>
public sealed record SpeakerNormalizationResponse(bool Required, int MinimumClips, IReadOnlyList<EnrolmentPointResponse> Curve);

/// <summary>Accuracy with a given number of enrolment clips.</summary>
/// <param name="Clips">Enrolment clips (0 = all other clips of the speaker).</param>
/// <param name="Accuracy">Accuracy.</param>
/// <param name="MacroF1">Macro-F1.</param>
public sealed record EnrolmentPointResponse(int Clips, double Accuracy, double MacroF1);

/// <summary>The feature schema a model expects.</summary>
/// <param name="Name">Schema name.</param>
/// <param name="Version">Schema version.</param>
/// <param name="Fingerprint">Fingerprint of its columns and feature settings.</param>
/// <param name="Columns">Number of feature columns.</param>
public sealed record SchemaResponse(string Name, int Version, string Fingerprint, int Columns);
