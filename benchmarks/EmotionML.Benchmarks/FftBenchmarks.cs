using BenchmarkDotNet.Attributes;
using EmotionML.Features;

namespace EmotionML.Benchmarks;

/// <summary>
/// One 2048-point STFT frame (the pooled vector runs 114 of them per 3.64 s clip): our double-precision real FFT,
/// windowed, against NWaves' <c>RealFft64</c> (the reference the tests compare it with), on one thread; ours also with
/// its wide stages held to <see cref="System.Runtime.Intrinsics.Vector256{T}"/> on a machine with AVX-512.
/// </summary>
public class FftBenchmarks
{
    private const int Size = 2048;
    private readonly RealFft64 _ours = new(Size);
    private readonly RealFft64 _ours256 = new(Size) { Vector512Stages = false };
    private readonly NWaves.Transforms.RealFft64 _nwaves = new(Size);
    private readonly float[] _frame = new float[Size];
    private readonly double[] _window = new double[Size];
    private readonly double[] _windowed = new double[Size];
    private readonly double[] _re = new double[Size];
    private readonly double[] _im = new double[Size];

    [GlobalSetup]
    public void Setup()
    {
        var samples = BenchmarkClip.Default.Audio.Samples;
        samples.AsSpan(samples.Length / 2, Size).CopyTo(_frame);
        for (int i = 0; i < Size; i++)
        {
            _window[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / Size);
        }
    }

    [Benchmark(Baseline = true, Description = "RealFft64 (ours), 2048 points, windowed")]
    public double Ours()
    {
        _ours.Forward(_frame, _window, _re, _im);
        return _re[1];
    }

    [Benchmark(Description = "RealFft64 (ours), wide stages in Vector256 only")]
    public double OursVector256()
    {
        _ours256.Forward(_frame, _window, _re, _im);
        return _re[1];
    }

    [Benchmark(Description = "NWaves RealFft64, 2048 points, windowed")]
    public double NWavesFft()
    {
        for (int i = 0; i < Size; i++)
        {
            _windowed[i] = _frame[i] * _window[i];
        }

        _nwaves.Direct(_windowed, _re, _im);
        return _re[1];
    }
}
