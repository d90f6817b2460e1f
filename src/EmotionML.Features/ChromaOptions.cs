namespace EmotionML.Features;

/// <summary>Chromagram settings (librosa's <c>chroma_stft</c>).</summary>
public sealed record ChromaOptions
{
    /// <summary>Number of chroma bins (default 12).</summary>
    public int BinCount { get; init; } = 12;

    /// <summary>Power (default) or magnitude spectrum.</summary>
    public ChromaSpectrum Spectrum { get; init; } = ChromaSpectrum.Power;

    /// <summary>Tuning deviation in fractions of a bin; <c>null</c> (default) estimates it per clip as librosa does.</summary>
    public double? Tuning { get; init; }
}
