namespace EmotionML;

/// <summary>How <see cref="EmotionEngine.PredictSegments"/> slices a long recording.</summary>
public sealed record SegmentOptions
{
    /// <summary>Window length (default 3 s, about one RAVDESS sentence).</summary>
    public TimeSpan WindowLength { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Step between window starts (default 1.5 s).</summary>
    public TimeSpan Hop { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Windows quieter than this RMS level are skipped as silence (default −50 dBFS).</summary>
    public double SilenceThresholdDb { get; init; } = -50;

    /// <summary>A final window shorter than this is dropped (default 1 s).</summary>
    public TimeSpan MinimumLength { get; init; } = TimeSpan.FromSeconds(1);
}
