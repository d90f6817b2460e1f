namespace EmotionML.Audio;

/// <summary>Recognises an audio format from the first bytes of a stream (never from a file name).</summary>
public static class AudioFormatDetector
{
    /// <summary>How many leading bytes <see cref="Detect"/> looks at.</summary>
    public const int HeaderLength = 64;

    /// <summary>Returns the format the bytes start with, or <see cref="AudioFormat.Unknown"/>.</summary>
    /// <param name="header">The first bytes of the stream (up to <see cref="HeaderLength"/>).</param>
    public static AudioFormat Detect(ReadOnlySpan<byte> header)
    {
        if (header.Length >= 12 && header[8..12].SequenceEqual("WAVE"u8)
            && (header.StartsWith("RIFF"u8) || header.StartsWith("RF64"u8) || header.StartsWith("BW64"u8) || header.StartsWith("RIFX"u8)))
        {
            return AudioFormat.Wav;
        }

        if (header.StartsWith("fLaC"u8))
        {
            return AudioFormat.Flac;
        }

        if (header.StartsWith("OggS"u8))
        {
            // The first page's first packet names the codec.
            if (header.Length >= 36)
            {
                int segments = header[26];
                int packet = 27 + segments;
                if (packet + 8 <= header.Length)
                {
                    var codec = header[packet..];
                    if (codec.StartsWith("\u0001vorbis"u8))
                    {
                        return AudioFormat.OggVorbis;
                    }

                    if (codec.StartsWith("OpusHead"u8))
                    {
                        return AudioFormat.OggOpus;
                    }

                    if (codec.StartsWith("\u007fFLAC"u8))
                    {
                        return AudioFormat.Flac;
                    }
                }
            }

            return AudioFormat.OggVorbis;
        }

        if (header.Length >= 12 && header[4..8].SequenceEqual("ftyp"u8))
        {
            return AudioFormat.Mp4;
        }

        if (header.Length >= 12 && header.StartsWith("FORM"u8) && (header[8..12].SequenceEqual("AIFF"u8) || header[8..12].SequenceEqual("AIFC"u8)))
        {
            return AudioFormat.Aiff;
        }

        if (header.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
        {
            return AudioFormat.WebM;
        }

        if (header.StartsWith("ID3"u8))
        {
            return AudioFormat.Mp3;
        }

        if (header.Length >= 4 && header[0] == 0xFF && (header[1] & 0xE0) == 0xE0)
        {
            int version = (header[1] >> 3) & 0x03;
            int layer = (header[1] >> 1) & 0x03;
            int bitrate = header[2] >> 4;
            int rate = (header[2] >> 2) & 0x03;
            if (layer == 0 && (header[1] & 0xF6) == 0xF0)
            {
                return AudioFormat.Aac;
            }

            if (version != 1 && layer != 0 && bitrate != 0x0F && rate != 0x03)
            {
                return AudioFormat.Mp3;
            }
        }

        return AudioFormat.Unknown;
    }
}
