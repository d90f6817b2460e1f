namespace EmotionML.Features;

/// <summary>
/// Frame-level features of one clip, all on the same centred frame grid (<c>1 + samples / hop</c> frames).
/// A property is <c>null</c> when its <see cref="FeatureKinds"/> was not requested.
/// </summary>
public sealed class FrameFeatures
{
    internal FrameFeatures(int frames, int sampleRate, int sampleCount)
    {
        Frames = frames;
        SampleRate = sampleRate;
        SampleCount = sampleCount;
    }

    /// <summary>Number of frames.</summary>
    public int Frames { get; }

    /// <summary>Rate of the analysed samples, Hz.</summary>
    public int SampleRate { get; }

    /// <summary>Number of analysed samples.</summary>
    public int SampleCount { get; }

    /// <summary>MFCC (MfccCount × frames).</summary>
    public FeatureMatrix? Mfcc { get; internal set; }

    /// <summary>Delta MFCC (MfccCount × frames).</summary>
    public FeatureMatrix? DeltaMfcc { get; internal set; }

    /// <summary>Chroma (bins × frames), each frame scaled to a maximum of 1.</summary>
    public FeatureMatrix? Chroma { get; internal set; }

    /// <summary>The tuning (fractions of a chroma bin) the chroma filter bank used.</summary>
    public double? ChromaTuning { get; internal set; }

    /// <summary>Mel spectrogram, linear power (bands × frames).</summary>
    public FeatureMatrix? Mel { get; internal set; }

    /// <summary>Spectral contrast in dB (bands + 1 × frames).</summary>
    public FeatureMatrix? Contrast { get; internal set; }

    /// <summary>Zero-crossing rate (1 × frames).</summary>
    public FeatureMatrix? ZeroCrossingRate { get; internal set; }

    /// <summary>Roll-off frequency, Hz (1 × frames).</summary>
    public FeatureMatrix? Rolloff { get; internal set; }

    /// <summary>Spectral centroid, Hz (1 × frames).</summary>
    public FeatureMatrix? Centroid { get; internal set; }

    /// <summary>RMS (1 × frames).</summary>
    public FeatureMatrix? Rms { get; internal set; }

    /// <summary>Spectral bandwidth, Hz (1 × frames).</summary>
    public FeatureMatrix? Bandwidth { get; internal set; }

    /// <summary>Spectral flatness (1 × frames).</summary>
    public FeatureMatrix? Flatness { get; internal set; }

    /// <summary>F0 in Hz, 0 where unvoiced (1 × frames).</summary>
    public FeatureMatrix? F0 { get; internal set; }

    /// <summary>1 where voiced, else 0 (1 × frames).</summary>
    public FeatureMatrix? Voiced { get; internal set; }
}
