using BenchmarkDotNet.Attributes;
using EmotionML;
using EmotionML.Features;

namespace EmotionML.Benchmarks;

/// <summary>
/// One prediction's latency beside the pooled vector alone, in the same run: the ratio (target ≤ 1.15) is what
/// decoding, the silence gate and scoring add, whatever the machine.
/// </summary>
[MedianColumn]
public class PredictBenchmarks
{
    private EmotionEngine _engine = null!;
    private SpeechFeatureExtractor _extractor = null!;
    private float[] _samples = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = TreeEngine();
        _engine.Predict(new MemoryStream(BenchmarkClip.Default.Wav));
        _extractor = new SpeechFeatureExtractor(_engine.Bundle.Manifest.FeatureOptions);
        _samples = BenchmarkClip.Default.Audio.Samples;
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();

    /// <summary>The shipped model's tree pipeline alone (the default model is a tree + CNN blend when the CNN won; <see cref="CnnBenchmarks"/> measures that).</summary>
    internal static EmotionEngine TreeEngine()
    {
        using var shipped = EmotionEngine.LoadDefault();
        if (shipped.Model.Cnn is null)
        {
            return EmotionEngine.LoadDefault();
        }

        using var trees = shipped.Model.WithoutCnn();
        using var bundle = new MemoryStream();
        ModelBundle.Create(trees, shipped.Bundle.Manifest with { Cnn = null }).Save(bundle);
        bundle.Position = 0;
        return EmotionEngine.Load(bundle);
    }

    [Benchmark(Baseline = true, Description = "pooled vector alone (decoded samples)")]
    public float PooledVector() => _extractor.Extract(_samples, 16000).Values[0];

    [Benchmark(Description = "Predict(Stream), 3.64 s WAV, trees")]
    public string Predict() => _engine.Predict(new MemoryStream(BenchmarkClip.Default.Wav)).Label;
}

/// <summary>32 predictions on one shared engine, on 1 and 2 threads: the scaling (target ≥ 1.8× on 2 threads).</summary>
[MedianColumn]
public class EngineThroughputBenchmarks
{
    private EmotionEngine _engine = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _engine = PredictBenchmarks.TreeEngine();
        _engine.Predict(new MemoryStream(BenchmarkClip.Default.Wav));
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();

    [Benchmark(Description = "32 predictions, shared engine")]
    public int Throughput()
    {
        // Dedicated threads, 32 / Threads predictions each: Parallel.For over the thread pool measured the pool's
        // scheduling as much as the engine (1.24-1.52x on 2 threads, with errors of a third of the mean).
        int done = 0;
        var workers = new Thread[Threads];
        for (int w = 0; w < Threads; w++)
        {
            int first = w;
            workers[w] = new Thread(() =>
            {
                for (int i = first; i < 32; i += Threads)
                {
                    _engine.Predict(new MemoryStream(BenchmarkClip.Default.Wav));
                    Interlocked.Increment(ref done);
                }
            });
            workers[w].Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        return done;
    }
}
