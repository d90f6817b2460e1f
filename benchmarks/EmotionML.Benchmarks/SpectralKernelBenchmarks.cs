using BenchmarkDotNet.Attributes;
using EmotionML.Features;

namespace EmotionML.Benchmarks;

/// <summary>
/// Per-frame kernels alone, over every STFT frame of the three sample clips (347 magnitude spectra of 1,025 bins, as
/// the pooled vector sees them; three voices, so that branch predictors cannot learn one clip), on one thread: where
/// a change to one kernel shows without the rest of the analysis. "audio-s per CPU-s" counts the first clip only.
/// </summary>
public class SpectralKernelBenchmarks
{
    private const int FftSize = 2048;
    private const int Hop = 512;
    private readonly SpectralContrastBands _contrast = new(new SpectralContrastOptions(), 16000, FftSize);
    private readonly float[] _peak = new float[7];
    private readonly float[] _valley = new float[7];
    private float[][] _magnitudes = [];

    [GlobalSetup]
    public void Setup()
    {
        var window = new double[FftSize];
        for (int i = 0; i < FftSize; i++)
        {
            window[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / FftSize);
        }

        var fft = new RealFft64(FftSize);
        var re = new double[FftSize / 2 + 1];
        var im = new double[FftSize / 2 + 1];
        var magnitudes = new List<float[]>();
        foreach (var name in new[] { "ravdess-angry-actor12.wav", "ravdess-happy-actor15.wav", "ravdess-neutral-actor01.wav" })
        {
            var samples = BenchmarkClip.Load(name).Audio.Samples;
            var padded = new float[samples.Length + FftSize];
            samples.CopyTo(padded, FftSize / 2);
            for (int t = 0; t <= samples.Length / Hop; t++)
            {
                fft.Forward(padded.AsSpan(t * Hop, FftSize), window, re, im);
                var magnitude = new float[re.Length];
                for (int k = 0; k < re.Length; k++)
                {
                    float r = (float)re[k], i = (float)im[k];
                    magnitude[k] = MathF.Sqrt(r * r + i * i);
                }

                magnitudes.Add(magnitude);
            }
        }

        _magnitudes = [.. magnitudes];
    }

    [Benchmark(Description = "spectral contrast peaks and valleys, every frame of three clips")]
    public float Contrast()
    {
        float sum = 0;
        foreach (var magnitude in _magnitudes)
        {
            _contrast.Compute(magnitude, _peak, _valley);
            sum += _peak[6] - _valley[6];
        }

        return sum;
    }
}
