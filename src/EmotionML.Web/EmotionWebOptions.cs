namespace EmotionML.Web;

/// <summary>
/// Settings of the web app, bound from the configuration section <c>EmotionML:Web</c> (command-line
/// <c>--EmotionML:Web:MaxUploadBytes=...</c>, environment <c>EmotionML__Web__MaxUploadBytes</c>, appsettings) or set
/// by <c>emotionml serve</c>'s options.
/// </summary>
public sealed class EmotionWebOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "EmotionML:Web";

    /// <summary>The address the app listens on when none is configured: loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>A model bundle file; <c>null</c> serves the model embedded in the EmotionML package.</summary>
    public string? ModelPath { get; set; }

    /// <summary>
    /// The model's training report folder (for its confusion matrix image); <c>null</c> looks for
    /// <c>&lt;model&gt;.report</c> beside <see cref="ModelPath"/>, or uses the default model's own.
    /// </summary>
    public string? ReportDirectory { get; set; }

    /// <summary>The largest upload accepted, in bytes (the whole request body); beyond it the answer is 413. Default 32 MB.</summary>
    public long MaxUploadBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>The longest audio accepted; beyond it the answer is 422. Default 10 minutes.</summary>
    public TimeSpan MaxAudioDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a request may take before it is cancelled with 503. Default 60 seconds.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Prediction requests processed at once; default one per processor.</summary>
    public int MaxConcurrentPredictions { get; set; } = Environment.ProcessorCount;

    /// <summary>Prediction requests waiting for a slot; beyond them the answer is 503 with Retry-After. Default 32.</summary>
    public int QueueLimit { get; set; } = 32;

    /// <summary>
    /// For a model with a CNN: test-time crops per clip (1 to <see cref="CnnModel.MaxTestCrops"/>); null (default) for the count the model was
    /// evaluated with. 1 answers faster at a small cost in accuracy (see <see cref="EngineOptions.CnnTestCrops"/>).
    /// </summary>
    public int? CnnTestCrops { get; set; }

    /// <summary>
    /// Whether the app may listen on addresses other than loopback (localhost, 127.0.0.1, [::1]). Off by default:
    /// serving to a network is an explicit choice.
    /// </summary>
    public bool AllowRemote { get; set; }
}
