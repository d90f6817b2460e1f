namespace EmotionML.TestData;

/// <summary>Synthetic test signals and WAV encoding for tests.</summary>
public static class Signals
{
    /// <summary>A sine tone.</summary>
    public static float[] Sine(double frequency, int sampleRate, double seconds, double amplitude = 0.5, double phase = 0)
    {
        var x = new float[(int)Math.Round(seconds * sampleRate)];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate + phase));
        }

        return x;
    }

    /// <summary>Uniform white noise in [-amplitude, amplitude] from a seeded generator.</summary>
    public static float[] Noise(int samples, int seed, double amplitude = 0.5)
    {
        var random = new Random(seed);
        var x = new float[samples];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)((random.NextDouble() * 2 - 1) * amplitude);
        }

        return x;
    }

    /// <summary>RMS level in dB (full scale = 0 dB for a unit RMS).</summary>
    public static double RmsDb(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (float v in x)
        {
            s += (double)v * v;
        }

        return 10 * Math.Log10(s / Math.Max(1, x.Length) + 1e-300);
    }

    /// <summary>Encodes float samples as a canonical 16-bit PCM WAV.</summary>
    public static byte[] Wav16(float[] samples, int sampleRate, int channels = 1)
    {
        var data = new byte[samples.Length * 2];
        for (int i = 0; i < samples.Length; i++)
        {
            short s = (short)Math.Clamp(Math.Round(samples[i] * 32768.0), short.MinValue, short.MaxValue);
            BitConverter.TryWriteBytes(data.AsSpan(i * 2), s);
        }

        return Wav(1, channels, sampleRate, 16, data);
    }

    /// <summary>Builds a WAV file from a format tag and raw sample bytes, with optional extra chunks before the data.</summary>
    public static byte[] Wav(ushort formatTag, int channels, int sampleRate, int bits, byte[] data, params (string Id, byte[] Body)[] extraChunks)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("RIFF"u8);
        w.Write(0);
        w.Write("WAVE"u8);
        w.Write("fmt "u8);
        w.Write(16);
        w.Write(formatTag);
        w.Write((ushort)channels);
        w.Write(sampleRate);
        w.Write(sampleRate * channels * bits / 8);
        w.Write((ushort)(channels * bits / 8));
        w.Write((ushort)bits);
        foreach (var (id, body) in extraChunks)
        {
            w.Write(System.Text.Encoding.ASCII.GetBytes(id));
            w.Write(body.Length);
            w.Write(body);
            if (body.Length % 2 == 1)
            {
                w.Write((byte)0);
            }
        }

        w.Write("data"u8);
        w.Write(data.Length);
        w.Write(data);
        w.Flush();
        var bytes = ms.ToArray();
        BitConverter.TryWriteBytes(bytes.AsSpan(4), bytes.Length - 8);
        return bytes;
    }
}
