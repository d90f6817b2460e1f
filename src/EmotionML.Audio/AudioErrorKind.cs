namespace EmotionML.Audio;

/// <summary>Why audio could not be decoded; carried by <see cref="AudioDecodeException"/>.</summary>
public enum AudioErrorKind
{
    /// <summary>The stream holds no bytes at all.</summary>
    Empty,
    /// <summary>The stream ends inside a header or before the audio its header declares.</summary>
    Truncated,
    /// <summary>The bytes are not a recognised audio format.</summary>
    NotAudio,
    /// <summary>A header field is invalid or absurd (zero channels, a sample rate of 0 or 10 MHz, a 4 GB format chunk...).</summary>
    InvalidHeader,
    /// <summary>The container is recognised but its encoding is not supported.</summary>
    UnsupportedEncoding,
    /// <summary>The decoded samples contain NaN or infinity.</summary>
    InvalidSamples,
    /// <summary>The audio is longer, or larger, than the configured limits allow.</summary>
    TooLong,
    /// <summary>The format needs an external decoder (ffmpeg) that is not available.</summary>
    DecoderUnavailable,
    /// <summary>A decoder (a library or ffmpeg) failed on the data.</summary>
    DecoderFailed,
}
