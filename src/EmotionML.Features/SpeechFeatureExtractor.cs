using System.Runtime.CompilerServices;
using EmotionML.Audio;

namespace EmotionML.Features;

/// <summary>
/// Computes librosa-conformant speech features from audio: frame-level matrices, a pooled fixed-length vector
/// with a named schema, and log-mel tensors. Built once from a <see cref="FeatureOptions"/> (as NWaves'
/// extractors are) and then safe to share between threads; the filter banks are built once and FFT plans and
/// buffers are reused per thread.
/// </summary>
/// <example>
/// <code>
/// var extractor = new SpeechFeatureExtractor(FeatureOptions.ForPreset(FeaturePreset.Librosa));
/// FeatureVector v = extractor.Extract(new AudioDecoder().Decode("clip.wav"));
/// float meanMfcc0 = v["mfcc00_mean"];
/// </code>
/// </example>
public sealed class SpeechFeatureExtractor
{
    private readonly FrameAnalyzer _analyzer;

    /// <summary>Creates an extractor.</summary>
    /// <param name="options">Feature options; <c>null</c> for <see cref="FeatureOptions.Default"/>.</param>
    public SpeechFeatureExtractor(FeatureOptions? options = null)
    {
        Options = options ?? FeatureOptions.Default;
        _analyzer = new FrameAnalyzer(Options);
        Schema = FeatureSchema.For(Options);
    }

    /// <summary>The options in force.</summary>
    public FeatureOptions Options { get; }

    /// <summary>The schema of the vectors <see cref="Extract(AudioClip)"/> returns.</summary>
    public FeatureSchema Schema { get; }

    /// <summary>Pools a decoded clip (resampled to <see cref="FeatureOptions.SampleRate"/> first if needed) into one vector.</summary>
    /// <param name="clip">The audio.</param>
    public FeatureVector Extract(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        return ExtractAtAnyRate(clip.Samples, clip.SampleRate);
    }

    /// <summary>Pools samples at any rate, resampled to <see cref="FeatureOptions.SampleRate"/> first if needed (as <see cref="AudioClip.ResampleTo"/> does).</summary>
    internal FeatureVector ExtractAtAnyRate(ReadOnlySpan<float> samples, int sampleRate) =>
        sampleRate == Options.SampleRate ? Extract(samples, sampleRate)
        : Extract(PolyphaseResampler.Create(sampleRate, Options.SampleRate).Resample(samples), Options.SampleRate);

    /// <summary>Pools samples at <see cref="FeatureOptions.SampleRate"/> into one vector.</summary>
    /// <param name="samples">Mono samples; at least one, all finite.</param>
    /// <param name="sampleRate">Must equal <see cref="FeatureOptions.SampleRate"/>.</param>
    public FeatureVector Extract(ReadOnlySpan<float> samples, int sampleRate)
    {
        Check(samples, sampleRate);
        return new FeatureVector(Schema, _analyzer.AnalyzeAndPool(samples, Schema.Columns.Count));
    }

    /// <summary>Computes frame-level features; only the <paramref name="kinds"/> asked for are computed.</summary>
    /// <param name="samples">Mono samples; at least one, all finite.</param>
    /// <param name="sampleRate">Must equal <see cref="FeatureOptions.SampleRate"/>.</param>
    /// <param name="kinds">Which features.</param>
    public FrameFeatures ExtractFrames(ReadOnlySpan<float> samples, int sampleRate, FeatureKinds kinds = FeatureKinds.All)
    {
        Check(samples, sampleRate);
        return _analyzer.Analyze(samples, kinds);
    }

    /// <summary>A log-mel spectrogram (dB, top_db below the maximum) from the same STFT and mel bank as the vector.</summary>
    /// <param name="samples">Mono samples; at least one, all finite.</param>
    /// <param name="sampleRate">Must equal <see cref="FeatureOptions.SampleRate"/>.</param>
    /// <param name="options">Length and reference; <c>null</c> for defaults.</param>
    public LogMelSpectrogram ExtractLogMel(ReadOnlySpan<float> samples, int sampleRate, LogMelOptions? options = null)
    {
        options ??= new LogMelOptions();
        return ToLogMel(ExtractFrames(samples, sampleRate, FeatureKinds.Mel).Mel!, options);
    }

    /// <summary>
    /// The log-mel spectrogram (default <see cref="LogMelOptions"/>) handed to <paramref name="use"/> over storage the
    /// extractor keeps and reuses for the next clip of the same length (a timeline's windows allocate none): valid only
    /// during the call, never to be kept.
    /// </summary>
    internal T WithLogMel<T>(ReadOnlySpan<float> samples, int sampleRate, Func<LogMelSpectrogram, T> use)
    {
        Check(samples, sampleRate);
        return _analyzer.AnalyzeMel(samples, mel => use(ToLogMel(mel, new LogMelOptions())));
    }

    private LogMelSpectrogram ToLogMel(FeatureMatrix mel, LogMelOptions options)
    {
        var db = mel.Data;
        // Powers are finite and non-negative: the largest is the reference (at least 1e-10).
        float max = Math.Max(0f, SpanMath.Max(db));
        double reference = options.ReferenceToMax ? Math.Max(max, 1e-10) : 1.0;
        double refDb = 10 * Math.Log10(reference);

        PowerToDecibels(db, refDb);
        float floor = SpanMath.Max(db) - (float)Options.TopDb;
        SpanMath.Max(db, floor, db);

        int frames = mel.Frames, bands = mel.Rows;
        if (options.FixedFrames is not { } fixedFrames || fixedFrames == frames)
        {
            return new LogMelSpectrogram(db, bands, frames, frames);
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(fixedFrames, 1, nameof(options));
        var data = new float[bands * fixedFrames];
        int offset = frames > fixedFrames ? (frames - fixedFrames) / 2 : 0;
        int copy = Math.Min(frames, fixedFrames);
        for (int b = 0; b < bands; b++)
        {
            data.AsSpan(b * fixedFrames, fixedFrames).Fill(floor);
            db.AsSpan(b * frames + offset, copy).CopyTo(data.AsSpan(b * fixedFrames));
        }

        return new LogMelSpectrogram(data, bands, fixedFrames, copy);
    }

    /// <summary>
    /// 10 log10(max(power, 1e-10)) - <paramref name="refDb"/> in double, rounded to float, in place, a block at a
    /// time: the logarithms on vectors (one Math.Log10 per value was a third of the spectrogram's cost; the vector
    /// logarithm may differ from Math.Log10 in the last bit of a double, far below the float kept), the rest exact
    /// per value. The same values as TensorPrimitives' six element-wise calls it replaces, compiled optimised at the
    /// first call in an app that JIT-compiles the library (SpanMath.Log10).
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    private static void PowerToDecibels(Span<float> db, double refDb)
    {
        Span<double> block = stackalloc double[256];
        for (int i = 0; i < db.Length; i += block.Length)
        {
            var values = db.Slice(i, Math.Min(block.Length, db.Length - i));
            var work = block[..values.Length];
            for (int k = 0; k < values.Length; k++)
            {
                work[k] = Math.Max(values[k], 1e-10);
            }

            SpanMath.Log10(work, work);
            for (int k = 0; k < values.Length; k++)
            {
                values[k] = (float)((work[k] * 10.0) - refDb);
            }
        }
    }

    private void Check(ReadOnlySpan<float> samples, int sampleRate)
    {
        if (sampleRate != Options.SampleRate)
        {
            throw new ArgumentException($"The samples are at {sampleRate} Hz but the extractor analyses at {Options.SampleRate} Hz; resample first (AudioClip.ResampleTo) or pass an AudioClip.", nameof(sampleRate));
        }

        if (samples.IsEmpty)
        {
            throw new ArgumentException("There are no samples: features of an empty clip are undefined.", nameof(samples));
        }

        if (SpanMath.IsFiniteAll(samples))
        {
            return;
        }

        for (int i = 0; i < samples.Length; i++)
        {
            if (!float.IsFinite(samples[i]))
            {
                throw new ArgumentException($"Sample {i} is {samples[i]}; every sample must be finite.", nameof(samples));
            }
        }
    }
}
