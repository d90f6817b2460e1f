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

    /// <summary>
    /// For a model with a CNN: how many evenly spaced 256-frame crops of a clip it scores and averages (1 to <see cref="CnnModel.MaxTestCrops"/>).
    /// Null (the default) uses the count the model was evaluated and calibrated with (1 for the default model).
    /// The CNN's time grows with the count (three crops cost about three times one) for a small change in accuracy;
    /// see the README's speed and accuracy figures. Ignored by tree models (but still checked).
    /// </summary>
    public int? CnnTestCrops { get; init; }
}
