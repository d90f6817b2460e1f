using EmotionML.Audio;
using EmotionML.TestData;

namespace EmotionML.Web.Tests;

/// <summary>Audio for the web tests: the committed samples, a long clip made of them, silence and garbage.</summary>
internal static class WebTestClips
{
    public static string SamplePath(string name = "ravdess-angry-actor12.wav") => Path.Combine(SharedData.SamplesDir, name);

    public static IReadOnlyList<string> SamplePaths => Directory.GetFiles(SharedData.SamplesDir, "*.wav").OrderBy(p => p, StringComparer.Ordinal).ToArray();

    public static byte[] Sample(string name = "ravdess-angry-actor12.wav") => File.ReadAllBytes(SamplePath(name));

    /// <summary>The three samples one after another, three times over: about 32 s at 16 kHz.</summary>
    public static byte[] Long()
    {
        var decoder = new AudioDecoder();
        var clips = SamplePaths.Select(p => decoder.Decode(p)).ToArray();
        var samples = Enumerable.Repeat(clips, 3).SelectMany(c => c).SelectMany(c => c.Samples).ToArray();
        return Signals.Wav16(samples, clips[0].SampleRate);
    }

    public static byte[] Silence(double seconds = 3) => Signals.Wav16(new float[(int)(16000 * seconds)], 16000);

    public static byte[] Garbage()
    {
        var bytes = new byte[20000];
        new Random(7).NextBytes(bytes);
        return bytes;
    }
}
