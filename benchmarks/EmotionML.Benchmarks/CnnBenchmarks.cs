using BenchmarkDotNet.Attributes;
using EmotionML;
using EmotionML.Features;
using EmotionML.TestData;

namespace EmotionML.Benchmarks;

/// <summary>
/// The imported CNN on the 3.64 s clip, one thread: the log-mel, the ONNX graph through ML.NET (one crop and the
/// sidecar's test-time crops), and <c>Predict(Stream)</c> of a tree + CNN blend (the shipped model when it is one;
/// otherwise the shipped tree model blended with this CNN), with the sidecar's crops and with one.
/// The CNN is <c>artifacts/cnn/ravdess/model.onnx</c> unless <c>EMOTIONML_CNN</c> names another; the blend is a bundle
/// of its own when <c>EMOTIONML_MODEL</c> names one (e.g. a training run's output, before it becomes the default).
/// </summary>
[MedianColumn]
public class CnnBenchmarks
{
    private CnnModel _cnn = null!;
    private CnnModel _oneCrop = null!;
    private LogMelSpectrogram _logMel = null!;
    private EmotionEngine _engine = null!;
    private EmotionEngine _fastEngine = null!;

    public static string CnnPath => Environment.GetEnvironmentVariable("EMOTIONML_CNN") is { Length: > 0 } p ? p : Path.Combine(SharedData.RepositoryRoot, "artifacts", "cnn", "ravdess", "model.onnx");

    [GlobalSetup]
    public void Setup()
    {
        _cnn = CnnModel.Load(CnnPath);
        _oneCrop = CnnModel.Load(File.ReadAllBytes(CnnPath), File.ReadAllBytes(Path.ChangeExtension(CnnPath, ".json")), testCrops: 1);
        _logMel = _cnn.LogMel.Extract(BenchmarkClip.Default.Audio);
        if (Environment.GetEnvironmentVariable("EMOTIONML_MODEL") is { Length: > 0 } model)
        {
            _engine = EmotionEngine.Load(model);
            _fastEngine = EmotionEngine.Load(model, new EngineOptions { CnnTestCrops = 1 });
        }
        else
        {
            // The shipped tree model blended with this CNN (weight 0.5): the cost of a blend whatever the default is.
            using var shipped = EmotionEngine.LoadDefault();
            using var tree = EmotionModel.Load(shipped.Bundle);
            using var blend = tree.Cnn is null ? tree.WithCnn(CnnModel.Load(CnnPath), 0.5, null) : null;
            using var bundle = new MemoryStream();
            ModelBundle.Create(blend ?? tree, shipped.Bundle.Manifest).Save(bundle);
            bundle.Position = 0;
            _engine = EmotionEngine.Load(bundle);
            bundle.Position = 0;
            _fastEngine = EmotionEngine.Load(bundle, new EngineOptions { CnnTestCrops = 1 });
        }

        _engine.Predict(new MemoryStream(BenchmarkClip.Default.Wav));
        _fastEngine.Predict(new MemoryStream(BenchmarkClip.Default.Wav));
        _cnn.Predict(_logMel);
        _oneCrop.Predict(_logMel);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cnn.Dispose();
        _oneCrop.Dispose();
        _engine.Dispose();
        _fastEngine.Dispose();
    }

    [Benchmark(Description = "log-mel 64 bands (decoded samples)")]
    public int LogMel() => _cnn.LogMel.Extract(BenchmarkClip.Default.Audio.Samples, 16000).Frames;

    [Benchmark(Description = "CNN, 1 crop of 256 frames")]
    public float OneCrop() => _oneCrop.Predict(_logMel)[0];

    [Benchmark(Baseline = true, Description = "CNN, test-time crops (sidecar)")]
    public float Crops() => _cnn.Predict(_logMel)[0];

    [Benchmark(Description = "Predict(Stream), tree + CNN blend")]
    public string Predict() => _engine.Predict(new MemoryStream(BenchmarkClip.Default.Wav)).Label;

    [Benchmark(Description = "Predict(Stream), tree + CNN blend, CnnTestCrops = 1")]
    public string PredictOneCrop() => _fastEngine.Predict(new MemoryStream(BenchmarkClip.Default.Wav)).Label;
}
