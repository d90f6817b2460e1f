namespace EmotionML.Audio;

/// <summary>ITU-T G.711 A-law and µ-law expansion to 16-bit linear PCM (telephony WAV files).</summary>
internal static class G711
{
    public static short MuLawToLinear(byte value)
    {
        int u = ~value & 0xFF;
        int exponent = (u >> 4) & 0x07;
        int mantissa = u & 0x0F;
        int magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
        return (short)((u & 0x80) != 0 ? -magnitude : magnitude);
    }

    public static short ALawToLinear(byte value)
    {
        int a = value ^ 0x55;
        int exponent = (a >> 4) & 0x07;
        int mantissa = a & 0x0F;
        int magnitude = exponent == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
        return (short)((a & 0x80) != 0 ? magnitude : -magnitude);
    }
}
