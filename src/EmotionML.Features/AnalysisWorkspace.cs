using NWaves.Transforms;

namespace EmotionML.Features;

/// <summary>Per-thread buffers and FFT plans, reused from clip to clip so that analysis allocates almost nothing per frame.</summary>
internal sealed class AnalysisWorkspace
{
    public AnalysisWorkspace(FeatureOptions options)
    {
        int n = options.Stft.FftSize;
        int bins = options.Stft.BinCount;
        Fft = new RealFft64(n);
        Power = new float[bins];
        Magnitude = new float[bins];
        FrameBlock = new float[ColumnTranspose.Block * bins];
        MelColumn = new float[options.MelBandCount];
        Contrast = new SpectralContrastBands(options.Contrast, options.SampleRate, n);
        Peak = new float[options.Contrast.BandCount + 1];
        Valley = new float[options.Contrast.BandCount + 1];
        Tuning = new TuningEstimator();
        Pitch = new YinPitchTracker(options.Pitch, options.SampleRate);
    }

    /// <summary>Double precision, as numpy's rfft: with float32 the FFT noise floor (about 1e-7 of the peak) shows in spectral contrast valleys and bandwidth of pure tones.</summary>
    public RealFft64 Fft { get; }

    public float[] Power { get; }

    public float[] Magnitude { get; }

    /// <summary>Up to eight frames' spectra, row after row, on their way into <see cref="Spectrogram"/>.</summary>
    public float[] FrameBlock { get; }

    public float[] MelColumn { get; }

    public SpectralContrastBands Contrast { get; }

    public float[] Peak { get; }

    public float[] Valley { get; }

    public TuningEstimator Tuning { get; }

    public YinPitchTracker Pitch { get; }

    /// <summary>The spectrogram kept for chroma (bins × frames, row-major), grown as needed.</summary>
    public float[] Spectrogram { get; set; } = [];

    /// <summary>Prefix sums of sign changes for the zero-crossing rate, grown as needed.</summary>
    public int[] Crossings { get; set; } = [];

    /// <summary>Reused storage for the matrices of an analysis that is pooled at once.</summary>
    public MatrixArena Matrices { get; } = new();

    /// <summary>The zero-padded signal, grown as needed.</summary>
    public float[] Padded { get; set; } = [];

    /// <summary>
    /// The last scoped log-mel spectrogram's storage, exactly bands × frames long (<see cref="FrameAnalyzer.AnalyzeMel{T}"/>):
    /// reused when the next clip has the same length, as every window of a timeline has.
    /// </summary>
    public float[] LogMel { get; set; } = [];
}
