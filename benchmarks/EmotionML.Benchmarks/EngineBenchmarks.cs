using BenchmarkDotNet.Attributes;
using EmotionML;

namespace EmotionML.Benchmarks;

/// <summary>Predict(Stream) with the default model: latency on one thread, and throughput on one and two threads.</summary>
[MedianColumn]
public class EngineBenchmarks
{
    private EmotionEngine _engine = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _engine = EmotionEngine.LoadDefault();
        _engine.Predict(new MemoryStream(BenchmarkClip.Default.Wav));
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.Dispose();

    /// <summary>One prediction per operation (only meaningful with Threads = 1).</summary>
    [Benchmark(Description = "Predict(Stream), 3.64 s WAV")]
    public string Predict() => Threads == 1 ? _engine.Predict(new MemoryStream(BenchmarkClip.Default.Wav)).Label : "";

    /// <summary>32 predictions per operation spread over <see cref="Threads"/> threads sharing one engine.</summary>
    [Benchmark(Description = "32 predictions, shared engine")]
    public int Throughput()
    {
        int done = 0;
        Parallel.For(0, 32, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ =>
        {
            _engine.Predict(new MemoryStream(BenchmarkClip.Default.Wav));
            Interlocked.Increment(ref done);
        });
        return done;
    }
}
