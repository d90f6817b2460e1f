namespace EmotionML.Audio;

/// <summary>The anti-aliasing filter a <see cref="PolyphaseResampler"/> uses.</summary>
public enum ResamplerQuality
{
    /// <summary>
    /// Kaiser window (β = 9), 32 zero crossings per side, cut-off at 95 % of the lower Nyquist frequency:
    /// more than 80 dB of stop-band rejection. The default.
    /// </summary>
    High,

    /// <summary>
    /// Exactly <c>scipy.signal.resample_poly</c> with its default Kaiser (β = 5) window and 10 zero crossings,
    /// which is <c>librosa.load(..., res_type="polyphase")</c>; use it to reproduce librosa's numbers.
    /// </summary>
    Librosa,
}
