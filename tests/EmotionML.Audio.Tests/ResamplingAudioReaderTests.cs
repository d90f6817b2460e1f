using EmotionML.Audio;
using EmotionML.TestData;

namespace EmotionML.Audio.Tests;

/// <summary>The streaming resampler gives, sample for sample, what resampling the whole signal gives.</summary>
public sealed class ResamplingAudioReaderTests
{
    private static byte[] Wav(int rate, double seconds, int seed)
    {
        // A chirp plus noise: energy across the band, so that any filtering difference would show.
        int n = (int)(rate * seconds);
        var noise = Signals.Noise(n, seed, 0.1);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            double t = (double)i / rate;
            x[i] = (float)(0.4 * Math.Sin(2 * Math.PI * (100 * t + 900 * t * t))) + noise[i];
        }

        return Signals.Wav16(x, rate);
    }

    [Theory]
    [InlineData(48000, 16000, 1)]
    [InlineData(48000, 16000, 4096)]
    [InlineData(44100, 16000, 7)]
    [InlineData(44100, 16000, 10000)]
    [InlineData(8000, 16000, 333)]
    [InlineData(22050, 16000, 1024)]
    public void Streaming_output_equals_whole_signal_resampling(int inputRate, int outputRate, int readSize)
    {
        var bytes = Wav(inputRate, 2.3, inputRate);
        var decoder = new AudioDecoder();
        var whole = PolyphaseResampler.Create(inputRate, outputRate).Resample(decoder.Decode(new MemoryStream(bytes)).Samples);

        using var reader = new ResamplingAudioReader(decoder.OpenRead(new MemoryStream(bytes)), outputRate);
        Assert.Equal(outputRate, reader.SampleRate);
        Assert.Equal(whole.Length, reader.DeclaredLength);
        var streamed = new List<float>();
        var chunk = new float[readSize];
        int n;
        while ((n = reader.Read(chunk)) > 0)
        {
            streamed.AddRange(chunk.AsSpan(0, n).ToArray());
        }

        Assert.Equal(whole.Length, streamed.Count);
        for (int i = 0; i < whole.Length; i++)
        {
            Assert.True(whole[i] == streamed[i], $"sample {i}: whole {whole[i]}, streamed {streamed[i]}");
        }

        Assert.Equal(0, reader.Read(chunk)); // stays at the end
    }

    [Fact]
    public void The_same_rate_passes_samples_through_and_an_empty_source_gives_nothing()
    {
        var bytes = Wav(16000, 0.5, 3);
        var decoder = new AudioDecoder();
        using var same = new ResamplingAudioReader(decoder.OpenRead(new MemoryStream(bytes)), 16000);
        var buffer = new float[20000];
        Assert.Equal(decoder.Decode(new MemoryStream(bytes)).Samples, buffer.AsSpan(0, same.Read(buffer)).ToArray());

        using var empty = new ResamplingAudioReader(decoder.OpenRead(new MemoryStream(Signals.Wav16([], 48000))), 16000);
        Assert.Equal(0, empty.Read(buffer));
    }
}
