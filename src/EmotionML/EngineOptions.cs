using EmotionML.Audio;

namespace EmotionML;

/// <summary>Settings of an <see cref="EmotionEngine"/>.</summary>
public sealed record EngineOptions
{
    /// <summary>Audio decoding limits and ffmpeg settings.</summary>
    public AudioDecoderOptions Audio { get; init; } = AudioDecoderOptions.Default;

    /// <summary>
    /// Clips whose RMS is below this level (dBFS) are silent: <c>Predict</c> throws
    /// <see cref="SilentAudioException"/> instead of guessing an emotion from nothing (default −60 dBFS).
    /// </summary>
    public double SilenceThresholdDb { get; init; } = -60;
}
