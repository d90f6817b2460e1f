namespace EmotionML.Audio;

/// <summary>
/// The one exception type the audio layer throws for bad input: empty, truncated or non-audio bytes,
/// absurd header values, NaN samples, audio beyond the configured limits, or a missing external decoder.
/// <see cref="Kind"/> says which; the message says what was found and, where it can, how to fix it.
/// </summary>
public class AudioDecodeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">Why decoding failed.</param>
    /// <param name="message">A message naming what was found.</param>
    /// <param name="format">The format detected, if any.</param>
    /// <param name="innerException">The underlying decoder error, if any.</param>
    public AudioDecodeException(AudioErrorKind kind, string message, AudioFormat format = AudioFormat.Unknown, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Format = format;
    }

    /// <summary>Why decoding failed.</summary>
    public AudioErrorKind Kind { get; }

    /// <summary>The format recognised from the bytes, or <see cref="AudioFormat.Unknown"/>.</summary>
    public AudioFormat Format { get; }
}
