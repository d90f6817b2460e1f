using System.Text;

namespace EmotionML.Features;

/// <summary>
/// The log-mel input of CNN models: framing, mel bands and dynamic range. Defaults are the field's usual speech
/// setting (25 ms windows every 10 ms at 16 kHz, 64 Slaney mel bands, power in dB with ref 1.0, 80 dB below the
/// clip's maximum). A model's sidecar records these values and their <see cref="Fingerprint"/>, so the tensors a
/// model was trained on and the ones it is given at prediction time come from the same settings.
/// </summary>
public sealed record LogMelFeatureOptions
{
    /// <summary>The defaults.</summary>
    public static LogMelFeatureOptions Default { get; } = new();

    /// <summary>Analysis rate, Hz (default 16000).</summary>
    public int SampleRate { get; init; } = 16000;

    /// <summary>FFT size (default 512).</summary>
    public int FftSize { get; init; } = 512;

    /// <summary>Window length in samples (default 400: 25 ms).</summary>
    public int WindowLength { get; init; } = 400;

    /// <summary>Hop in samples (default 160: 10 ms).</summary>
    public int HopLength { get; init; } = 160;

    /// <summary>Mel bands (default 64).</summary>
    public int MelBands { get; init; } = 64;

    /// <summary>Dynamic range kept below the clip's maximum, dB (default 80).</summary>
    public double TopDb { get; init; } = 80;

    /// <summary>The feature options that compute this log-mel (STFT, mel bank, dB floor).</summary>
    public FeatureOptions ToFeatureOptions() => new()
    {
        SampleRate = SampleRate,
        Stft = new StftOptions { FftSize = FftSize, WindowLength = WindowLength, HopLength = HopLength },
        MelBandCount = MelBands,
        MfccCount = Math.Min(40, MelBands),
        TopDb = TopDb,
    };

    /// <summary>A 16-hex-digit digest of every value that changes the tensor (and of the log-mel definitions' version).</summary>
    public string Fingerprint =>
        Convert.ToHexStringLower(Sha256.HashData(Encoding.UTF8.GetBytes("emotionml.logmel/v1;" + ToFeatureOptions().ToCanonicalString())))[..16];

    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range.</summary>
    public void Validate() => ToFeatureOptions().Validate();
}
