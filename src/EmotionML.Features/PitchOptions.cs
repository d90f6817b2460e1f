namespace EmotionML.Features;

/// <summary>
/// F0 tracking with YIN (de Cheveigné &amp; Kawahara 2002): cumulative-mean-normalised difference function,
/// absolute threshold, parabolic refinement. A frame is voiced when its difference function dips below
/// <see cref="TroughThreshold"/> within the period range and the frame is not silent.
/// </summary>
public sealed record PitchOptions
{
    /// <summary>Lowest F0 searched, Hz (default 65, C2).</summary>
    public double MinFrequency { get; init; } = 65;

    /// <summary>Highest F0 searched, Hz (default 600).</summary>
    public double MaxFrequency { get; init; } = 600;

    /// <summary>YIN's absolute threshold on the normalised difference (default 0.15).</summary>
    public double TroughThreshold { get; init; } = 0.15;

    /// <summary>Frames whose mean square is below this are unvoiced whatever their periodicity (default 1e-7, about -70 dBFS).</summary>
    public double SilenceMeanSquare { get; init; } = 1e-7;
}
