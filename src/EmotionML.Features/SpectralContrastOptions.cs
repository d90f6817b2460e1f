namespace EmotionML.Features;

/// <summary>Spectral contrast settings (librosa's <c>spectral_contrast</c>): octave bands from <see cref="MinFrequency"/>.</summary>
public sealed record SpectralContrastOptions
{
    /// <summary>Number of octave bands above the first (default 6, giving 7 rows).</summary>
    public int BandCount { get; init; } = 6;

    /// <summary>Upper edge of the first band, Hz (default 200).</summary>
    public double MinFrequency { get; init; } = 200;

    /// <summary>Fraction of each band's bins averaged for the peak and the valley (default 0.02).</summary>
    public double Quantile { get; init; } = 0.02;
}
