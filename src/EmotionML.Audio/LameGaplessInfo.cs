using System.Buffers.Binary;

namespace EmotionML.Audio;

/// <summary>Encoder delay, padding and frame count from a LAME/Lavc Xing or Info header in the first MPEG frame.</summary>
internal readonly record struct LameGaplessInfo(int EncoderDelay, int EncoderPadding, long TotalSamples)
{
    public static LameGaplessInfo? Read(Stream stream)
    {
        Span<byte> head = stackalloc byte[10];
        if (stream.ReadAtLeast(head, 10, throwOnEndOfStream: false) < 10)
        {
            return null;
        }

        long frameStart = 0;
        if (head[..3].SequenceEqual("ID3"u8))
        {
            // ID3v2: a 10-byte header, a synch-safe size, and an optional 10-byte footer.
            int size = (head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | (head[9] & 0x7F);
            frameStart = 10 + size + ((head[5] & 0x10) != 0 ? 10 : 0);
        }

        stream.Position = frameStart;
        Span<byte> frame = stackalloc byte[192];
        int got = stream.ReadAtLeast(frame, frame.Length, throwOnEndOfStream: false);
        if (got < 4 || frame[0] != 0xFF || (frame[1] & 0xE0) != 0xE0)
        {
            return null;
        }

        int version = (frame[1] >> 3) & 0x03; // 3 = MPEG-1
        int layer = (frame[1] >> 1) & 0x03;   // 1 = layer III
        if (layer != 1)
        {
            return null;
        }

        bool mono = ((frame[3] >> 6) & 0x03) == 3;
        int sideInfo = version == 3 ? (mono ? 17 : 32) : (mono ? 9 : 17);
        int samplesPerFrame = version == 3 ? 1152 : 576;
        int xing = 4 + sideInfo;
        if (got < xing + 8)
        {
            return null;
        }

        var tag = frame.Slice(xing, 4);
        if (!tag.SequenceEqual("Xing"u8) && !tag.SequenceEqual("Info"u8))
        {
            return null;
        }

        uint flags = BinaryPrimitives.ReadUInt32BigEndian(frame[(xing + 4)..]);
        int offset = xing + 8;
        long frames = 0;
        if ((flags & 1) != 0)
        {
            frames = BinaryPrimitives.ReadUInt32BigEndian(frame[offset..]);
            offset += 4;
        }

        offset += (flags & 2) != 0 ? 4 : 0;
        offset += (flags & 4) != 0 ? 100 : 0;
        offset += (flags & 8) != 0 ? 4 : 0;
        // The LAME extension: 9-byte encoder string, then 12 bytes, then 12-bit delay and 12-bit padding.
        if (offset + 24 > got)
        {
            return new LameGaplessInfo(0, 0, frames * samplesPerFrame);
        }

        int delay = (frame[offset + 21] << 4) | (frame[offset + 22] >> 4);
        int padding = ((frame[offset + 22] & 0x0F) << 8) | frame[offset + 23];
        return new LameGaplessInfo(delay, padding, frames * samplesPerFrame);
    }
}
