namespace EmotionML.Audio;

/// <summary>Limits and external-decoder settings for <see cref="AudioDecoder"/>.</summary>
public sealed record AudioDecoderOptions
{
    /// <summary>Shared default options.</summary>
    public static AudioDecoderOptions Default { get; } = new();

    /// <summary>
    /// The longest audio <see cref="AudioDecoder.Decode(Stream, CancellationToken)"/> holds in memory at once
    /// (default 30 minutes). Longer audio gives <see cref="AudioErrorKind.TooLong"/>; read it incrementally
    /// with <see cref="AudioDecoder.OpenRead(Stream, bool)"/> instead.
    /// </summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The most samples <see cref="AudioDecoder.Decode(Stream, CancellationToken)"/> holds in memory, whatever the
    /// header's sample rate says (default 30 minutes at 48 kHz, 86.4 million samples, 346 MB): a header claiming
    /// 768 kHz must not raise the memory bound of <see cref="MaxDuration"/> sixteen-fold.
    /// </summary>
    public long MaxDecodedSamples { get; init; } = 48_000L * 1800;

    /// <summary>
    /// How long ffmpeg may go without producing audio (before its first samples, or between reads) before it is
    /// killed and the decode fails with <see cref="AudioErrorKind.DecoderFailed"/> (default 2 minutes).
    /// </summary>
    public TimeSpan FfmpegTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The most bytes buffered in memory for a decoder that needs to seek (MP3) when the stream cannot seek,
    /// or copied to a temporary file for ffmpeg (default 512 MiB).
    /// </summary>
    public long MaxBufferedBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>
    /// When a WAV data chunk declares more bytes than the stream holds: <c>false</c> (default) throws
    /// <see cref="AudioErrorKind.Truncated"/>; <c>true</c> decodes what is there and sets
    /// <see cref="AudioClip.IsTruncated"/>. Never silent either way.
    /// </summary>
    public bool AllowTruncated { get; init; }

    /// <summary>Path of the ffmpeg executable; <c>null</c> searches PATH. Used for FLAC, M4A/AAC, Opus, AIFF and WebM.</summary>
    public string? FfmpegPath { get; init; }

    /// <summary>Whether formats without a managed decoder may be decoded by running ffmpeg (default true).</summary>
    public bool UseFfmpeg { get; init; } = true;

    /// <summary>The lowest sample rate accepted in a header (default 1000 Hz).</summary>
    public int MinSampleRate { get; init; } = 1000;

    /// <summary>The highest sample rate accepted in a header (default 768 kHz).</summary>
    public int MaxSampleRate { get; init; } = 768_000;

    /// <summary>The most channels accepted in a header (default 64).</summary>
    public int MaxChannels { get; init; } = 64;
}
