using EmotionML.TestData;

namespace EmotionML.Audio.Tests;

/// <summary>
/// Random mutation of real headers: whatever the bytes, decoding either succeeds or throws
/// <see cref="AudioDecodeException"/>, and never allocates more than the input could justify.
/// </summary>
public sealed class HeaderFuzzTests
{
    private const long MaxAllocationPerCase = 32L * 1024 * 1024;

    [Fact]
    public void Ten_thousand_mutated_RAVDESS_WAV_headers_give_a_valid_decode_or_the_typed_error()
    {
        var path = SharedData.RavdessClips(1)[0];
        var original = File.ReadAllBytes(path);
        var seed = original[..Math.Min(original.Length, 8192)]; // header, FLLR chunk and some audio
        int data = seed.AsSpan().IndexOf("data"u8);
        BitConverter.TryWriteBytes(seed.AsSpan(data + 4), seed.Length - data - 8);
        BitConverter.TryWriteBytes(seed.AsSpan(4), seed.Length - 8);
        Assert.Equal(16000, new AudioDecoder().Decode(new MemoryStream(seed)).SampleRate);
        var (decoded, rejected) = Run(seed, cases: 10_000, mutateFirst: 128, seedValue: 20261126);
        Assert.True(decoded > 100 && rejected > 100, $"mutations should exercise both outcomes: {decoded} decoded, {rejected} rejected");
    }

    [Theory]
    [InlineData("speech16k.mp3", 1500)]
    [InlineData("speech16k.ogg", 1500)]
    public void Mutated_compressed_headers_give_a_valid_decode_or_the_typed_error(string fixture, int cases)
    {
        var (decoded, rejected) = Run(Fixtures.Bytes(fixture), cases, mutateFirst: 512, seedValue: 7);
        Assert.True(decoded > 0 && rejected > 0, $"mutations should exercise both outcomes: {decoded} decoded, {rejected} rejected");
    }

    private static (int Decoded, int Rejected) Run(byte[] seed, int cases, int mutateFirst, int seedValue)
    {
        var random = new Random(seedValue);
        var decoder = new AudioDecoder(new AudioDecoderOptions { UseFfmpeg = false });
        int decoded = 0, rejected = 0;
        for (int c = 0; c < cases; c++)
        {
            var bytes = Mutate(seed, random, mutateFirst);
            bool seekable = (c & 1) == 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                using Stream stream = seekable ? new MemoryStream(bytes) : NonSeekableStream.Of(bytes, 1 + random.Next(4096));
                var clip = decoder.Decode(stream);
                // A decode must be a plausible one: finite samples, a rate and channel count the options
                // accept, and no more samples than the bytes could encode (8-bit PCM: one byte per sample; compressed
                // formats are bounded by their frames, far below this).
                Assert.All(clip.Samples, s => Assert.True(float.IsFinite(s), $"case {c}: sample {s}"));
                Assert.InRange(clip.SampleRate, decoder.Options.MinSampleRate, decoder.Options.MaxSampleRate);
                Assert.InRange(clip.SourceChannels, 1, decoder.Options.MaxChannels);
                Assert.True(clip.Samples.Length <= bytes.Length * 16L, $"case {c}: {clip.Samples.Length} samples from {bytes.Length} bytes");
                decoded++;
            }
            catch (AudioDecodeException ex)
            {
                // Every rejection says why, with a defined kind.
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                Assert.True(Enum.IsDefined(ex.Kind), $"case {c}: undefined kind {ex.Kind}");
                rejected++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"case {c} ({(seekable ? "seekable" : "non-seekable")}) escaped as {ex.GetType().Name}: {ex.Message}\n{Convert.ToHexString(bytes.AsSpan(0, Math.Min(64, bytes.Length)))}");
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < MaxAllocationPerCase + 64L * bytes.Length, $"case {c} allocated {allocated} bytes for a {bytes.Length}-byte input");
        }

        return (decoded, rejected);
    }

    private static byte[] Mutate(byte[] seed, Random random, int mutateFirst)
    {
        var bytes = (byte[])seed.Clone();
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits; e++)
        {
            int at = random.Next(Math.Min(mutateFirst, bytes.Length));
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 2 when at + 4 <= bytes.Length:
                    // An extreme 32-bit value where a size or rate might be.
                    uint[] extremes = [0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE, (uint)random.Next()];
                    BitConverter.TryWriteBytes(bytes.AsSpan(at), extremes[random.Next(extremes.Length)]);
                    break;
                case 3:
                    Array.Resize(ref bytes, random.Next(bytes.Length + 1));
                    return bytes;
                default:
                    bytes[at] = 0;
                    break;
            }
        }

        return bytes;
    }
}
