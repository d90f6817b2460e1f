namespace EmotionML.Audio;

/// <summary>An audio container or codec, as recognised from the first bytes of a stream.</summary>
public enum AudioFormat
{
    /// <summary>The bytes match no audio format this library knows.</summary>
    Unknown = 0,
    /// <summary>RIFF/RF64 WAVE (PCM, IEEE float, A-law, µ-law, WAVE_FORMAT_EXTENSIBLE).</summary>
    Wav,
    /// <summary>MPEG-1/2 audio layer I–III (decoded by NLayer).</summary>
    Mp3,
    /// <summary>Ogg Vorbis (decoded by NVorbis).</summary>
    OggVorbis,
    /// <summary>Ogg Opus (decoded through ffmpeg).</summary>
    OggOpus,
    /// <summary>FLAC, native or in Ogg (decoded through ffmpeg).</summary>
    Flac,
    /// <summary>MPEG-4 / M4A / 3GP container, usually AAC or ALAC (decoded through ffmpeg).</summary>
    Mp4,
    /// <summary>Raw AAC in ADTS frames (decoded through ffmpeg).</summary>
    Aac,
    /// <summary>AIFF or AIFF-C (decoded through ffmpeg).</summary>
    Aiff,
    /// <summary>WebM / Matroska (decoded through ffmpeg).</summary>
    WebM,
}
