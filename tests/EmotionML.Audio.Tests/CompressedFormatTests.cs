using EmotionML.TestData;

namespace EmotionML.Audio.Tests;

/// <summary>MP3 (NLayer), Ogg Vorbis (NVorbis) and the ffmpeg formats, against the WAV they were encoded from.</summary>
public sealed class CompressedFormatTests
{
    private static readonly float[] Original = new AudioDecoder().Decode(Fixtures.Path("speech16k.wav")).Samples;

    [Theory]
    [InlineData("speech16k.wav", AudioFormat.Wav)]
    [InlineData("speech16k.mp3", AudioFormat.Mp3)]
    [InlineData("speech44k-stereo.mp3", AudioFormat.Mp3)]
    [InlineData("speech16k.ogg", AudioFormat.OggVorbis)]
    [InlineData("speech16k.opus", AudioFormat.OggOpus)]
    [InlineData("speech16k.flac", AudioFormat.Flac)]
    [InlineData("speech16k.m4a", AudioFormat.Mp4)]
    public void Formats_are_detected_from_bytes(string file, AudioFormat format)
    {
        Assert.Equal(format, AudioFormatDetector.Detect(Fixtures.Bytes(file).AsSpan(0, AudioFormatDetector.HeaderLength)));
    }

    [Theory]
    [InlineData("speech16k.mp3", true, 0.97)]
    [InlineData("speech16k.mp3", false, 0.97)]
    [InlineData("speech16k.ogg", true, 0.97)]
    [InlineData("speech16k.ogg", false, 0.97)]
    public void Managed_decoders_are_sample_aligned_with_the_source(string file, bool seekable, double minCorrelation)
    {
        var bytes = Fixtures.Bytes(file);
        using Stream stream = seekable ? new MemoryStream(bytes) : NonSeekableStream.Of(bytes, 1000);
        var clip = new AudioDecoder().Decode(stream);
        Assert.Equal(16000, clip.SampleRate);
        var (lag, correlation) = Fixtures.Align(Original, clip.Samples, 1300);
        Assert.True(lag == 0, $"{file}: decoded audio is shifted by {lag} samples");
        Assert.True(correlation >= minCorrelation, $"{file}: correlation {correlation:F3}");
        Assert.InRange(clip.Samples.Length, Original.Length - 16, Original.Length + 16);
    }

    [Fact]
    public void Stereo_44k_mp3_is_averaged_to_mono_and_resampled_in_step_with_the_source()
    {
        var clip = new AudioDecoder().Decode(Fixtures.Path("speech44k-stereo.mp3"));
        Assert.Equal(44100, clip.SampleRate);
        Assert.Equal(2, clip.SourceChannels);
        var back = clip.ResampleTo(16000).Samples;
        var (lag, correlation) = Fixtures.Align(Original, back, 600);
        Assert.Equal(0, lag);
        Assert.True(correlation > 0.97, $"correlation {correlation:F3}");
    }

    [Fact]
    public void Flac_through_ffmpeg_is_lossless()
    {
        RequireFfmpeg();
        Assert.Equal(Original, new AudioDecoder().Decode(Fixtures.Path("speech16k.flac")).Samples);
        // From a non-seekable, non-file stream too (copied to a temporary file for ffmpeg).
        Assert.Equal(Original, new AudioDecoder().Decode(NonSeekableStream.Of(Fixtures.Bytes("speech16k.flac"))).Samples);
    }

    [Theory]
    [InlineData("speech16k.m4a", 0.95)]
    [InlineData("speech16k.opus", 0.9)]
    public void Lossy_ffmpeg_formats_decode_close_to_the_source(string file, double minCorrelation)
    {
        RequireFfmpeg();
        var clip = new AudioDecoder().Decode(new MemoryStream(Fixtures.Bytes(file)));
        var samples = clip.ResampleTo(16000).Samples;
        var (lag, correlation) = Fixtures.Align(Original, samples, 1300);
        Assert.True(Math.Abs(lag) <= 2, $"{file}: lag {lag}");
        Assert.True(correlation >= minCorrelation, $"{file}: correlation {correlation:F3}");
    }

    [Fact]
    public void Without_ffmpeg_a_flac_file_gives_a_typed_error_that_names_the_format_and_the_fix()
    {
        var decoder = new AudioDecoder(new AudioDecoderOptions { FfmpegPath = "/nonexistent/ffmpeg" });
        Assert.False(decoder.FfmpegAvailable);
        var error = Assert.Throws<AudioDecodeException>(() => decoder.Decode(Fixtures.Path("speech16k.flac")));
        Assert.Equal(AudioErrorKind.DecoderUnavailable, error.Kind);
        Assert.Equal(AudioFormat.Flac, error.Format);
        Assert.Contains("Flac", error.Message);
        Assert.Contains("apt-get install ffmpeg", error.Message);
        // WAV, MP3 and Vorbis still work without it.
        Assert.NotEmpty(decoder.Decode(Fixtures.Path("speech16k.mp3")).Samples);
    }

    [Fact]
    public void Corrupt_ffmpeg_input_gives_a_typed_error()
    {
        RequireFfmpeg();
        var bytes = Fixtures.Bytes("speech16k.flac")[..200];
        var error = Assert.Throws<AudioDecodeException>(() => new AudioDecoder().Decode(new MemoryStream(bytes)));
        Assert.Equal(AudioFormat.Flac, error.Format);
    }

    [Fact]
    public void Mp3_from_a_non_seekable_stream_is_buffered_only_up_to_the_limit()
    {
        var options = new AudioDecoderOptions { MaxBufferedBytes = 4096 };
        var error = Assert.Throws<AudioDecodeException>(() => new AudioDecoder(options).Decode(NonSeekableStream.Of(Fixtures.Bytes("speech16k.mp3"))));
        Assert.Equal(AudioErrorKind.TooLong, error.Kind);
    }

    private static void RequireFfmpeg() => Assert.True(new AudioDecoder().FfmpegAvailable,
        "ffmpeg is needed for FLAC/M4A/Opus tests: run scripts/install-deps.sh (apt-get install ffmpeg).");
}
