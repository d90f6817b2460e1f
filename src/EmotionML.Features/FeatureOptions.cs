using System.Globalization;
using System.Text;

namespace EmotionML.Features;

/// <summary>
/// Everything that defines the features: the analysis rate, STFT framing and each feature's parameters.
/// Defaults are librosa's (<see cref="FeaturePreset.Librosa"/>) at 16 kHz. Immutable; two equal options give
/// equal <see cref="FeatureSchema"/>s.
/// </summary>
public sealed record FeatureOptions
{
    /// <summary>librosa's defaults at 16 kHz.</summary>
    public static FeatureOptions Default { get; } = new();

    /// <summary>The options of a named preset at a sample rate.</summary>
    /// <param name="preset">The preset.</param>
    /// <param name="sampleRate">The analysis rate (default 16 kHz).</param>
    public static FeatureOptions ForPreset(FeaturePreset preset, int sampleRate = 16000) => preset switch
    {
        FeaturePreset.Librosa => new FeatureOptions { SampleRate = sampleRate, Stft = StftOptions.Librosa },
        FeaturePreset.Speech => new FeatureOptions
        {
            SampleRate = sampleRate,
            Stft = sampleRate == 16000 ? StftOptions.Speech : SpeechStft(sampleRate),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, null),
    };

    /// <summary>The rate audio is resampled to before analysis, Hz (default 16000).</summary>
    public int SampleRate { get; init; } = 16000;

    /// <summary>STFT framing (default librosa's 2048 / 512).</summary>
    public StftOptions Stft { get; init; } = StftOptions.Librosa;

    /// <summary>Number of MFCCs (default 40).</summary>
    public int MfccCount { get; init; } = 40;

    /// <summary>Number of mel bands (Slaney scale and area normalisation, default 128).</summary>
    public int MelBandCount { get; init; } = 128;

    /// <summary>Dynamic range kept by power-to-dB conversions, dB below the clip's maximum (default 80).</summary>
    public double TopDb { get; init; } = 80;

    /// <summary>Chroma settings.</summary>
    public ChromaOptions Chroma { get; init; } = new();

    /// <summary>Spectral contrast settings.</summary>
    public SpectralContrastOptions Contrast { get; init; } = new();

    /// <summary>Fraction of spectral energy below the roll-off frequency (default 0.85).</summary>
    public double RolloffPercent { get; init; } = 0.85;

    /// <summary>Frames in the delta (Savitzky–Golay) window, odd, at least 3 (default 9).</summary>
    public int DeltaWidth { get; init; } = 9;

    /// <summary>F0 settings.</summary>
    public PitchOptions Pitch { get; init; } = new();

    /// <summary>Statistics pooled per feature row (default mean and standard deviation).</summary>
    public PoolingStatistics Statistics { get; init; } = PoolingStatistics.Default;

    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range.</summary>
    public void Validate()
    {
        if (SampleRate < 4000 || SampleRate > 192000)
        {
            throw new ArgumentOutOfRangeException(nameof(SampleRate), SampleRate, "SampleRate must be between 4 kHz and 192 kHz.");
        }

        Stft.Validate();
        if (MelBandCount < 1 || MelBandCount > Stft.BinCount)
        {
            throw new ArgumentOutOfRangeException(nameof(MelBandCount), MelBandCount, "MelBandCount must be between 1 and the number of FFT bins.");
        }

        if (MfccCount < 1 || MfccCount > MelBandCount)
        {
            throw new ArgumentOutOfRangeException(nameof(MfccCount), MfccCount, "MfccCount must be between 1 and MelBandCount.");
        }

        if (Chroma.BinCount < 1 || Chroma.BinCount > 120 || Chroma.Tuning is < -0.5 or >= 0.5)
        {
            throw new ArgumentOutOfRangeException(nameof(Chroma), Chroma, "Chroma.BinCount must be 1..120 and Chroma.Tuning in [-0.5, 0.5).");
        }

        if (Contrast.BandCount < 1 || Contrast.MinFrequency <= 0 || Contrast.Quantile is <= 0 or >= 1
            || Contrast.MinFrequency * Math.Pow(2, Contrast.BandCount - 1) >= SampleRate / 2.0)
        {
            throw new ArgumentOutOfRangeException(nameof(Contrast), Contrast, "Spectral contrast bands must lie below the Nyquist frequency.");
        }

        if (RolloffPercent is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(RolloffPercent), RolloffPercent, "RolloffPercent must be in (0, 1).");
        }

        if (DeltaWidth < 3 || DeltaWidth % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(DeltaWidth), DeltaWidth, "DeltaWidth must be odd and at least 3.");
        }

        if (Pitch.MinFrequency <= 0 || Pitch.MaxFrequency <= Pitch.MinFrequency || Pitch.MaxFrequency >= SampleRate / 2.0 || SampleRate / Pitch.MinFrequency > 8192)
        {
            throw new ArgumentOutOfRangeException(nameof(Pitch), Pitch, "Pitch range must satisfy 0 < MinFrequency < MaxFrequency < SampleRate/2 and SampleRate/MinFrequency <= 8192.");
        }

        if (TopDb <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TopDb), TopDb, "TopDb must be positive.");
        }

        if ((Statistics & PoolingStatistics.All) == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Statistics), Statistics, "At least one pooling statistic is needed.");
        }
    }

    /// <summary>A canonical, culture-invariant description of every value, used for the schema fingerprint and caches.</summary>
    public string ToCanonicalString()
    {
        var b = new StringBuilder();
        void Add(string name, object? value) => b.Append(name).Append('=').Append(Convert.ToString(value, CultureInfo.InvariantCulture)).Append(';');
        Add("sr", SampleRate);
        Add("n_fft", Stft.FftSize);
        Add("hop", Stft.HopLength);
        Add("win", Stft.EffectiveWindowLength);
        Add("n_mfcc", MfccCount);
        Add("n_mels", MelBandCount);
        Add("top_db", TopDb);
        Add("chroma", Chroma.BinCount);
        Add("chroma_spectrum", Chroma.Spectrum);
        Add("chroma_tuning", Chroma.Tuning?.ToString("R", CultureInfo.InvariantCulture) ?? "estimate");
        Add("contrast_bands", Contrast.BandCount);
        Add("contrast_fmin", Contrast.MinFrequency);
        Add("contrast_quantile", Contrast.Quantile);
        Add("rolloff", RolloffPercent);
        Add("delta_width", DeltaWidth);
        Add("f0_min", Pitch.MinFrequency);
        Add("f0_max", Pitch.MaxFrequency);
        Add("f0_threshold", Pitch.TroughThreshold);
        Add("f0_silence", Pitch.SilenceMeanSquare);
        Add("stats", (int)Statistics);
        return b.ToString();
    }

    private static StftOptions SpeechStft(int sampleRate)
    {
        int window = (int)Math.Round(0.025 * sampleRate);
        int fft = 1;
        while (fft < window)
        {
            fft <<= 1;
        }

        return new StftOptions { FftSize = fft, WindowLength = window, HopLength = (int)Math.Round(0.010 * sampleRate) };
    }
}
