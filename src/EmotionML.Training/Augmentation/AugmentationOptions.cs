namespace EmotionML.Training.Augmentation;

/// <summary>
/// Random perturbations applied to training clips only (never to validation or test clips): each training clip
/// gets <see cref="Copies"/> extra versions with noise at a chosen SNR, a time shift, a gain change and a speed
/// change drawn at random.
/// </summary>
public sealed record AugmentationOptions
{
    /// <summary>Augmented copies per training clip (default 2; 0 disables augmentation).</summary>
    public int Copies { get; init; } = 2;

    /// <summary>White-noise SNR range in dB (default 15–30).</summary>
    public (double Min, double Max) NoiseSnrDb { get; init; } = (15, 30);

    /// <summary>Largest circular time shift in seconds, either way (default 0.3).</summary>
    public double MaxShiftSeconds { get; init; } = 0.3;

    /// <summary>Gain range in dB (default −6 to +6).</summary>
    public (double Min, double Max) GainDb { get; init; } = (-6, 6);

    /// <summary>Speed factor range (default 0.9–1.1: tempo and pitch change together, by resampling).</summary>
    public (double Min, double Max) Speed { get; init; } = (0.9, 1.1);

    /// <summary>A canonical description, part of the feature cache key.</summary>
    public string Describe() => System.FormattableString.Invariant($"copies={Copies};snr={NoiseSnrDb.Min}-{NoiseSnrDb.Max};shift={MaxShiftSeconds};gain={GainDb.Min}-{GainDb.Max};speed={Speed.Min}-{Speed.Max}");
}
