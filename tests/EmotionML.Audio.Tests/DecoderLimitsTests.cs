using EmotionML.TestData;

namespace EmotionML.Audio.Tests;

/// <summary>Memory and time bounds that hostile headers or a stuck external decoder must not break.</summary>
public sealed class DecoderLimitsTests
{
    [Fact]
    public void The_decoded_sample_limit_does_not_grow_with_the_header_sample_rate()
    {
        var options = AudioDecoderOptions.Default with { MaxDuration = TimeSpan.FromSeconds(10), MaxDecodedSamples = 160_000 };
        var decoder = new AudioDecoder(options);
        // Ten seconds at 16 kHz fit.
        Assert.Equal(160_000, decoder.Decode(new MemoryStream(Signals.Wav16(Signals.Sine(440, 16000, 10), 16000))).Samples.Length);
        // One second at 768 kHz is within MaxDuration but holds 768,000 samples: refused, not allocated.
        var fast = Signals.Wav16(Signals.Sine(440, 768_000, 1), 768_000);
        var error = Assert.Throws<AudioDecodeException>(() => decoder.Decode(new MemoryStream(fast)));
        Assert.Equal(AudioErrorKind.TooLong, error.Kind);
        Assert.Contains("MaxDecodedSamples", error.Message);
        // The default bound is 30 minutes at 48 kHz, however high the rate a header claims.
        Assert.Equal(48_000L * 1800, AudioDecoderOptions.Default.MaxDecodedSamples);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_stuck_ffmpeg_is_killed_after_the_timeout_with_a_typed_error()
    {
        // A stand-in for ffmpeg that never produces output.
        var dir = Directory.CreateTempSubdirectory("emotionml-ffmpeg-").FullName;
        var fake = Path.Combine(dir, "ffmpeg");
        File.WriteAllText(fake, "#!/bin/sh\nexec sleep 60\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var decoder = new AudioDecoder(AudioDecoderOptions.Default with { FfmpegPath = fake, FfmpegTimeout = TimeSpan.FromSeconds(1) });
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var error = Assert.Throws<AudioDecodeException>(() => decoder.Decode(new MemoryStream(Fixtures.Bytes("speech16k.flac"))));
            Assert.Equal(AudioErrorKind.DecoderFailed, error.Kind);
            Assert.Contains("FfmpegTimeout", error.Message);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
