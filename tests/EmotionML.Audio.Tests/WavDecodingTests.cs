using System.Buffers.Binary;
using EmotionML.TestData;

namespace EmotionML.Audio.Tests;

public sealed class WavDecodingTests
{
    private static readonly AudioDecoder Decoder = new();

    private static AudioClip Decode(byte[] bytes, bool seekable = true, AudioDecoderOptions? options = null)
    {
        var decoder = options is null ? Decoder : new AudioDecoder(options);
        using Stream stream = seekable ? new MemoryStream(bytes) : NonSeekableStream.Of(bytes, maxRead: 7);
        return decoder.Decode(stream);
    }

    private static byte[] Bytes<T>(params T[] values) where T : struct => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Decodes_every_pcm_and_float_encoding_to_the_same_values(bool seekable)
    {
        float[] expected = [0f, 0.5f, -0.5f, 0.25f, -1f];
        var cases = new (ushort Tag, int Bits, byte[] Data)[]
        {
            (1, 8, [128, 192, 64, 160, 0]),
            (1, 16, Bytes<short>(0, 16384, -16384, 8192, -32768)),
            (1, 24, [0, 0, 0, 0, 0, 0x40, 0, 0, 0xC0, 0, 0, 0x20, 0, 0, 0x80]),
            (1, 32, Bytes(0, 1 << 30, -(1 << 30), 1 << 29, int.MinValue)),
            (3, 32, Bytes(expected)),
            (3, 64, Bytes<double>(0, 0.5, -0.5, 0.25, -1)),
        };
        foreach (var (tag, bits, data) in cases)
        {
            var clip = Decode(Signals.Wav(tag, 1, 16000, bits, data), seekable);
            Assert.Equal(16000, clip.SampleRate);
            Assert.Equal(expected, clip.Samples);
        }
    }

    [Fact]
    public void Decodes_wave_format_extensible()
    {
        var bytes = ExtensibleWav(subFormatTag: 1, bits: 16, channels: 2, Bytes<short>(16384, 0, -16384, -16384));
        var clip = Decode(bytes);
        Assert.Equal(2, clip.SourceChannels);
        Assert.Equal([0.25f, -0.5f], clip.Samples);

        var floats = ExtensibleWav(subFormatTag: 3, bits: 32, channels: 1, Bytes(0.125f, -0.75f));
        Assert.Equal([0.125f, -0.75f], Decode(floats).Samples);
    }

    [Fact]
    public void Decodes_g711_alaw_and_mulaw()
    {
        // 0xD5 / 0xFF are the codes for (near) zero; 0x80 / 0x00 the extremes.
        var alaw = Decode(Signals.Wav(6, 1, 8000, 8, [0xD5, 0xAA, 0x2A]));
        Assert.Equal(0.000244, alaw.Samples[0], 5);
        Assert.Equal(1.0, Math.Abs(alaw.Samples[1]), 1);
        Assert.True(alaw.Samples[1] > 0 && alaw.Samples[2] < 0);
        var mulaw = Decode(Signals.Wav(7, 1, 8000, 8, [0xFF, 0x80, 0x00]));
        Assert.Equal(0f, mulaw.Samples[0]);
        Assert.Equal(32124 / 32768f, mulaw.Samples[1]);
        Assert.Equal(-32124 / 32768f, mulaw.Samples[2]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Reading_in_any_block_size_gives_the_decoded_samples(int channels)
    {
        // Longer than one internal read (16,384 frames), so the reader's rented buffer is refilled and, for larger
        // requests, replaced; mono is converted straight into the caller's buffer, stereo through the mixer.
        var samples = Signals.Noise(40_000 * channels, seed: channels);
        var bytes = Signals.Wav16(samples, 16000, channels);
        // What the file holds, worked out here: each 16-bit value / 32768, channels averaged.
        var expected = new float[40_000];
        for (int f = 0; f < expected.Length; f++)
        {
            float sum = 0;
            for (int c = 0; c < channels; c++)
            {
                sum += (short)Math.Clamp(Math.Round(samples[f * channels + c] * 32768.0), short.MinValue, short.MaxValue) / 32768f;
            }

            expected[f] = channels == 1 ? sum : sum * (1f / channels);
        }

        Assert.Equal(expected, Decode(bytes).Samples);
        foreach (int block in new[] { 1, 7, 1000, 16_384, 20_000, 70_000 })
        {
            using var reader = Decoder.OpenRead(new MemoryStream(bytes));
            var read = new List<float>();
            var buffer = new float[block];
            int n;
            while ((n = reader.Read(buffer)) > 0)
            {
                read.AddRange(buffer.AsSpan(0, n).ToArray());
            }

            Assert.Equal(expected, read);
        }

        var disposed = Decoder.OpenRead(new MemoryStream(bytes));
        disposed.Dispose();
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => disposed.Read(new float[16]));
    }

    [Fact]
    public void Averages_channels_to_mono()
    {
        var clip = Decode(Signals.Wav(3, 3, 16000, 32, Bytes(0.3f, 0.6f, 0.9f, -0.3f, 0.3f, 0f)));
        Assert.Equal(3, clip.SourceChannels);
        Assert.Equal(2, clip.Samples.Length);
        Assert.Equal(0.6f, clip.Samples[0], 6);
        Assert.Equal(0f, clip.Samples[1], 6);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Skips_unknown_and_odd_sized_chunks_in_any_order(bool seekable)
    {
        var data = Bytes<short>(1000, -1000, 2000);
        var bytes = Signals.Wav(1, 1, 16000, 16, data, ("FLLR", new byte[4044]), ("LIST", new byte[7]), ("junk", new byte[1]));
        Assert.Equal([1000 / 32768f, -1000 / 32768f, 2000 / 32768f], Decode(bytes, seekable).Samples);
    }

    [Fact]
    public void Reads_a_data_chunk_that_comes_before_fmt_on_seekable_streams_only()
    {
        var wav = Signals.Wav(1, 1, 16000, 16, Bytes<short>(100, 200));
        // Move fmt (bytes 12..36) after data (36..48).
        var reordered = wav[..12].Concat(wav[36..]).Concat(wav[12..36]).ToArray();
        Assert.Equal([100 / 32768f, 200 / 32768f], Decode(reordered).Samples);
        var error = Assert.Throws<AudioDecodeException>(() => Decode(reordered, seekable: false));
        Assert.Equal(AudioErrorKind.InvalidHeader, error.Kind);
    }

    [Theory]
    [InlineData(0u, true)]
    [InlineData(0u, false)]
    [InlineData(0xFFFFFFFFu, true)]
    [InlineData(0xFFFFFFFFu, false)]
    public void Reads_a_streamed_data_chunk_to_the_end(uint declared, bool seekable)
    {
        var wav = Signals.Wav(1, 1, 16000, 16, Bytes<short>(1, 2, 3, 4, 5));
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(40), declared);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(4), declared);
        Assert.Equal(5, Decode(wav, seekable).Samples.Length);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_data_chunk_shorter_than_declared_is_a_typed_error_or_flagged_when_allowed(bool seekable)
    {
        var wav = Signals.Wav(1, 1, 16000, 16, Bytes<short>(1, 2, 3, 4, 5));
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(40), 2_000_000_000u); // absurd: never allocated
        var error = Assert.Throws<AudioDecodeException>(() => Decode(wav, seekable));
        Assert.Equal(AudioErrorKind.Truncated, error.Kind);
        Assert.Contains("declares", error.Message);

        var clip = Decode(wav, seekable, new AudioDecoderOptions { AllowTruncated = true });
        Assert.True(clip.IsTruncated);
        Assert.Equal(5, clip.Samples.Length);
    }

    [Fact]
    public void NAudio_clamps_a_truncated_data_chunk_silently_and_needs_seeking_which_is_why_we_read_WAV_ourselves()
    {
        var wav = Signals.Wav(1, 1, 16000, 16, Bytes<short>(1, 2, 3, 4, 5));
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(40), 1000);
        using (var reader = new NAudio.Wave.WaveFileReader(new MemoryStream(wav)))
        {
            var buffer = new byte[2000];
            int read = reader.Read(buffer, 0, buffer.Length);
            Assert.Equal(10, read); // no error, no flag: the shortfall is invisible to the caller
        }

        Assert.ThrowsAny<Exception>(() => new NAudio.Wave.WaveFileReader(NonSeekableStream.Of(Signals.Wav16([0.1f], 16000))));
        Assert.Throws<AudioDecodeException>(() => Decode(wav));
    }

    public static TheoryData<string, byte[], AudioErrorKind> BadInputs()
    {
        var good = Signals.Wav(1, 1, 16000, 16, Bytes<short>(1, 2, 3));
        byte[] With(int offset, Action<byte[]> change)
        {
            var copy = (byte[])good.Clone();
            change(copy);
            return copy;
        }

        return new TheoryData<string, byte[], AudioErrorKind>
        {
            { "empty", [], AudioErrorKind.Empty },
            { "three bytes", [0x52, 0x49, 0x46], AudioErrorKind.NotAudio },
            { "truncated header", good[..30], AudioErrorKind.Truncated },
            { "text", "hello, this is not audio at all, just some text"u8.ToArray(), AudioErrorKind.NotAudio },
            { "zero channels", With(0, b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(22), 0)), AudioErrorKind.InvalidHeader },
            { "zero rate", With(0, b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(24), 0)), AudioErrorKind.InvalidHeader },
            { "10 MHz", With(0, b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(24), 10_000_000)), AudioErrorKind.InvalidHeader },
            { "fmt of 4 GB", With(0, b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(16), 0xFFFFFFF0)), AudioErrorKind.InvalidHeader },
            { "12 bits", With(0, b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(34), 12)), AudioErrorKind.InvalidHeader },
            { "adpcm", With(0, b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(20), 2)), AudioErrorKind.UnsupportedEncoding },
            { "block align", With(0, b => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(32), 3)), AudioErrorKind.InvalidHeader },
            { "NaN", Signals.Wav(3, 1, 16000, 32, Bytes(0.1f, float.NaN)), AudioErrorKind.InvalidSamples },
            { "infinity", Signals.Wav(3, 1, 16000, 64, Bytes(double.PositiveInfinity)), AudioErrorKind.InvalidSamples },
            { "no data chunk", good[..36], AudioErrorKind.Truncated },
            { "RIFX", With(0, b => "RIFX"u8.CopyTo(b)), AudioErrorKind.UnsupportedEncoding },
        };
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_gives_the_typed_error(string what, byte[] bytes, AudioErrorKind kind)
    {
        foreach (bool seekable in new[] { true, false })
        {
            var error = Assert.Throws<AudioDecodeException>(() => Decode(bytes, seekable));
            Assert.True(kind == error.Kind, $"{what} ({(seekable ? "seekable" : "non-seekable")}): expected {kind}, got {error.Kind}: {error.Message}");
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }
    }

    [Fact]
    public void Audio_longer_than_the_limit_is_refused_and_can_be_read_incrementally()
    {
        var wav = Signals.Wav16(Signals.Sine(440, 16000, 3.0), 16000);
        var limited = new AudioDecoderOptions { MaxDuration = TimeSpan.FromSeconds(2) };
        var error = Assert.Throws<AudioDecodeException>(() => Decode(wav, seekable: false, limited));
        Assert.Equal(AudioErrorKind.TooLong, error.Kind);

        using var reader = new AudioDecoder(limited).OpenRead(new MemoryStream(wav));
        var block = new float[1000];
        long total = 0;
        int n;
        while ((n = reader.Read(block)) > 0)
        {
            total += n;
        }

        Assert.Equal(48000, total);
    }

    [Fact]
    public void Real_ravdess_files_with_their_FLLR_chunk_decode_as_16_kHz_mono()
    {
        foreach (var path in SharedData.RavdessClips(20))
        {
            var clip = Decoder.Decode(path);
            Assert.Equal(16000, clip.SampleRate);
            Assert.InRange(clip.Duration.TotalSeconds, 2.5, 6.0);
            Assert.Equal(new FileInfo(path).Length > 0, clip.Samples.Length > 0);
        }
    }

    private static byte[] ExtensibleWav(ushort subFormatTag, int bits, int channels, byte[] data)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("RIFF"u8);
        w.Write(0);
        w.Write("WAVE"u8);
        w.Write("fmt "u8);
        w.Write(40);
        w.Write((ushort)0xFFFE);
        w.Write((ushort)channels);
        w.Write(16000);
        w.Write(16000 * channels * bits / 8);
        w.Write((ushort)(channels * bits / 8));
        w.Write((ushort)bits);
        w.Write((ushort)22);
        w.Write((ushort)bits);
        w.Write(channels == 2 ? 3 : 4);
        w.Write(subFormatTag);
        w.Write(new byte[] { 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71 });
        w.Write("data"u8);
        w.Write(data.Length);
        w.Write(data);
        return ms.ToArray();
    }
}
