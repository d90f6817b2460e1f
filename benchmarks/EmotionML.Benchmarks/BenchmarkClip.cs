using EmotionML.Audio;
using EmotionML.TestData;

namespace EmotionML.Benchmarks;

/// <summary>A real 16 kHz RAVDESS clip, held in memory as WAV bytes and as decoded samples.</summary>
public sealed class BenchmarkClip
{
    private BenchmarkClip(string name, byte[] wav)
    {
        Name = name;
        Wav = wav;
        Audio = new AudioDecoder().Decode(new MemoryStream(wav));
    }

    /// <summary>The clip every benchmark uses unless it takes a parameter.</summary>
    public static BenchmarkClip Default { get; } = Load("ravdess-angry-actor12.wav");

    public string Name { get; }

    public byte[] Wav { get; }

    public AudioClip Audio { get; }

    public double DurationSeconds => Audio.Duration.TotalSeconds;

    public static BenchmarkClip Load(string sample) => new(sample, File.ReadAllBytes(Path.Combine(SharedData.SamplesDir, sample)));

    public override string ToString() => $"{Name} ({DurationSeconds:F2} s)";
}
