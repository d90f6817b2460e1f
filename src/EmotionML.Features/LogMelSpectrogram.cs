namespace EmotionML.Features;

/// <summary>A log-mel spectrogram (dB): <see cref="MelBands"/> × <see cref="Frames"/>, row-major, the input of CNN models.</summary>
public sealed class LogMelSpectrogram
{
    internal LogMelSpectrogram(float[] data, int melBands, int frames, int validFrames)
    {
        Data = data;
        MelBands = melBands;
        Frames = frames;
        ValidFrames = validFrames;
    }

    /// <summary>Values in dB, band after band.</summary>
    public float[] Data { get; }

    /// <summary>Number of mel bands (rows).</summary>
    public int MelBands { get; }

    /// <summary>Number of frames (columns).</summary>
    public int Frames { get; }

    /// <summary>Frames that hold audio (the rest is padding when a fixed length was asked for).</summary>
    public int ValidFrames { get; }

    /// <summary>The value of a band at a frame.</summary>
    /// <param name="band">Mel band.</param>
    /// <param name="frame">Frame.</param>
    public float this[int band, int frame] => Data[band * Frames + frame];
}
