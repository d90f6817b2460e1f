using System.Diagnostics;
using EmotionML.TestData;

namespace EmotionML.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/EmotionML.Benchmarks -- onnx-floor [crops]</c>: the least memory a
/// process needs to score the default model's CNN. It loads only the imported CNN (<c>artifacts/cnn/ravdess</c>, with
/// the engine's own session settings through <see cref="CnnModel"/>; no ML.NET, no bundle), scores the sample clip's
/// log-mel spectrogram <c>crops</c> times, and prints the working set of the bare runtime, after loading and at the
/// peak. Set against <c>segments-memory</c>: what the blend's hour of audio costs beyond ONNX Runtime itself.
/// </summary>
public static class OnnxFloor
{
    public static void Run(int crops)
    {
        var process = Process.GetCurrentProcess();
        long runtime = process.WorkingSet64;
        var folder = Path.Combine(SharedData.RepositoryRoot, "artifacts", "cnn", "ravdess");
        using var cnn = CnnModel.Load(Path.Combine(folder, "model.onnx"));
        process.Refresh();
        long loaded = process.WorkingSet64;
        var logMel = cnn.LogMel.Extract(BenchmarkClip.Default.Audio);
        var watch = Stopwatch.StartNew();
        float sum = 0;
        for (int i = 0; i < crops; i++)
        {
            sum += cnn.Predict(logMel)[0];
        }

        watch.Stop();
        process.Refresh();
        Console.WriteLine($"the default's CNN alone, {crops} predictions ({watch.Elapsed.TotalMilliseconds / crops:F2} ms each, mean first score {sum / crops:F4}): working set of the bare runtime {runtime / 1e6:F0} MB, after loading the CNN {loaded / 1e6:F0} MB, peak {process.PeakWorkingSet64 / 1e6:F0} MB");
    }
}
