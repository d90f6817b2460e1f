using System.Text.Json.Serialization;

namespace EmotionML.Features;

/// <summary>Short-time Fourier transform framing: periodic Hann windows on centred, zero-padded frames.</summary>
public sealed record StftOptions
{
    /// <summary>librosa's defaults: n_fft 2048, hop 512, window 2048.</summary>
    public static StftOptions Librosa { get; } = new();

    /// <summary>25 ms / 10 ms at 16 kHz: n_fft 512, window 400, hop 160.</summary>
    public static StftOptions Speech { get; } = new() { FftSize = 512, WindowLength = 400, HopLength = 160 };

    /// <summary>FFT length (a power of two); also the frame length of ZCR and RMS.</summary>
    public int FftSize { get; init; } = 2048;

    /// <summary>Samples between frame centres.</summary>
    public int HopLength { get; init; } = 512;

    /// <summary>Hann window length (at most <see cref="FftSize"/>; centred in the FFT frame); <c>null</c> for <see cref="FftSize"/>.</summary>
    public int? WindowLength { get; init; }

    /// <summary>The window length in force.</summary>
    [JsonIgnore]
    public int EffectiveWindowLength => WindowLength ?? FftSize;

    /// <summary>Number of frequency bins, <c>FftSize / 2 + 1</c>.</summary>
    [JsonIgnore]
    public int BinCount => FftSize / 2 + 1;

    /// <summary>Number of centred frames for <paramref name="sampleCount"/> samples: <c>1 + n / hop</c>.</summary>
    /// <param name="sampleCount">Signal length.</param>
    public int FrameCount(int sampleCount) => 1 + sampleCount / HopLength;

    internal void Validate()
    {
        if (FftSize < 16 || FftSize > 65536 || (FftSize & (FftSize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(FftSize), FftSize, "FftSize must be a power of two from 16 to 65536.");
        }

        if (HopLength < 1 || HopLength > FftSize)
        {
            throw new ArgumentOutOfRangeException(nameof(HopLength), HopLength, "HopLength must be between 1 and FftSize.");
        }

        if (EffectiveWindowLength < 2 || EffectiveWindowLength > FftSize)
        {
            throw new ArgumentOutOfRangeException(nameof(WindowLength), WindowLength, "WindowLength must be between 2 and FftSize.");
        }
    }
}
