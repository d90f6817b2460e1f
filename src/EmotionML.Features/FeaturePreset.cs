namespace EmotionML.Features;

/// <summary>Named analysis configurations.</summary>
public enum FeaturePreset
{
    /// <summary>librosa's defaults: n_fft 2048, hop 512 (128 ms / 32 ms at 16 kHz). What the reference values and most published feature sets use.</summary>
    Librosa,

    /// <summary>Speech framing: 25 ms Hann windows every 10 ms (400 / 160 samples at 16 kHz, n_fft 512).</summary>
    Speech,
}
