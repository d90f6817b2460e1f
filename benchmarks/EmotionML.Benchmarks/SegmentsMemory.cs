using System.Diagnostics;
using EmotionML;

namespace EmotionML.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/EmotionML.Benchmarks -- segments-memory [minutes] [model]</c>: writes
/// an hour of speech (a RAVDESS clip repeated, with pauses) to a temporary WAV, runs PredictSegments over it with
/// the default model (or a bundle, e.g. the default's tree part from <c>tree-bundle</c>, so that ONNX Runtime is
/// never loaded), and prints the process' peak working set.
/// </summary>
public static class SegmentsMemory
{
    public static void Run(double minutes, string? modelPath = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"emotionml-{minutes}min.wav");
        var clip = BenchmarkClip.Default.Audio.Samples;
        long samples = (long)(minutes * 60 * 16000);
        using (var file = new FileStream(path, FileMode.Create))
        using (var w = new BinaryWriter(file))
        {
            w.Write("RIFF"u8);
            w.Write((uint)(36 + samples * 2));
            w.Write("WAVEfmt "u8);
            w.Write(16);
            w.Write((ushort)1);
            w.Write((ushort)1);
            w.Write(16000);
            w.Write(32000);
            w.Write((ushort)2);
            w.Write((ushort)16);
            w.Write("data"u8);
            w.Write((uint)(samples * 2));
            int period = clip.Length + 16000; // the clip, then one second of silence
            for (long i = 0; i < samples; i++)
            {
                long k = i % period;
                w.Write(k < clip.Length ? (short)Math.Clamp(clip[k] * 32767, short.MinValue, short.MaxValue) : (short)0);
            }
        }

        using var engine = modelPath is null ? EmotionEngine.LoadDefault() : EmotionEngine.Load(modelPath);
        engine.Predict(new MemoryStream(BenchmarkClip.Default.Wav)); // warm: model loaded, code jitted
        var process = Process.GetCurrentProcess();
        process.Refresh();
        long baseline = process.WorkingSet64, peakBefore = process.PeakWorkingSet64;
        var watch = Stopwatch.StartNew();
        int count = 0;
        using (var stream = File.OpenRead(path))
        {
            foreach (var _ in engine.PredictSegments(stream))
            {
                count++;
            }
        }

        watch.Stop();
        process.Refresh();
        Console.WriteLine($"{(modelPath is null ? "default model" : Path.GetFileName(modelPath))} ({(engine.Model.Cnn is null ? "trees" : "with a CNN")}): {minutes} min of audio ({new FileInfo(path).Length / 1e6:F0} MB WAV): {count} segments in {watch.Elapsed.TotalSeconds:F1} s; working set after loading the engine {baseline / 1e6:F0} MB (peak so far {peakBefore / 1e6:F0} MB), peak working set at the end {process.PeakWorkingSet64 / 1e6:F0} MB; managed heap {GC.GetTotalMemory(false) / 1e6:F0} MB");
        File.Delete(path);
        WorkingSetMap.Print();
    }
}
