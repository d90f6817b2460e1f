using BenchmarkDotNet.Attributes;
using EmotionML.Audio;
using EmotionML.Features;

namespace EmotionML.Benchmarks;

/// <summary>Decode, resample, the full pooled vector, each feature alone and the log-mel tensor, on one thread.</summary>
public class FeatureBenchmarks
{
    private readonly AudioDecoder _decoder = new();
    private readonly SpeechFeatureExtractor _extractor = new();
    private readonly PolyphaseResampler _from48k = PolyphaseResampler.Create(48000, 16000);
    private float[] _samples = [];
    private float[] _samples48k = [];

    public static IEnumerable<BenchmarkClip> Clips() => [BenchmarkClip.Default];

    [ParamsSource(nameof(Clips))]
    public BenchmarkClip Clip { get; set; } = BenchmarkClip.Default;

    [GlobalSetup]
    public void Setup()
    {
        _samples = Clip.Audio.Samples;
        _samples48k = PolyphaseResampler.Create(16000, 48000).Resample(_samples);
    }

    [Benchmark(Description = "decode WAV (16-bit, 16 kHz)")]
    public int Decode() => _decoder.Decode(new MemoryStream(Clip.Wav)).Samples.Length;

    [Benchmark(Description = "resample 48 kHz -> 16 kHz (High)")]
    public int Resample48kTo16k() => _from48k.Resample(_samples48k).Length;

    [Benchmark(Baseline = true, Description = "full pooled vector (469 columns)")]
    public float[] FullVector() => _extractor.Extract(_samples, 16000).Values;

    [Benchmark(Description = "decode + full vector")]
    public float[] DecodeAndFullVector()
    {
        var clip = _decoder.Decode(new MemoryStream(Clip.Wav));
        return _extractor.Extract(clip).Values;
    }

    [Benchmark(Description = "log-mel tensor (128 bands)")]
    public float[] LogMel() => _extractor.ExtractLogMel(_samples, 16000).Data;

    [Benchmark(Description = "feature alone")]
    [ArgumentsSource(nameof(Kinds))]
    public FrameFeatures Alone(FeatureKinds kind) => _extractor.ExtractFrames(_samples, 16000, kind);

    public static IEnumerable<FeatureKinds> Kinds() =>
    [
        FeatureKinds.Mfcc, FeatureKinds.DeltaMfcc, FeatureKinds.Chroma, FeatureKinds.Mel, FeatureKinds.Contrast, FeatureKinds.ZeroCrossingRate,
        FeatureKinds.Rolloff, FeatureKinds.Centroid, FeatureKinds.Rms, FeatureKinds.Bandwidth, FeatureKinds.Flatness, FeatureKinds.Pitch,
    ];
}
