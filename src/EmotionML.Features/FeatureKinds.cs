namespace EmotionML.Features;

/// <summary>Which frame-level features to compute; the STFT is computed once for all spectral ones.</summary>
[Flags]
public enum FeatureKinds
{
    /// <summary>Nothing.</summary>
    None = 0,
    /// <summary>MFCC (DCT-II ortho of the dB mel spectrogram).</summary>
    Mfcc = 1,
    /// <summary>Delta MFCC (Savitzky–Golay slope, librosa's <c>delta</c>).</summary>
    DeltaMfcc = 2,
    /// <summary>Chroma.</summary>
    Chroma = 4,
    /// <summary>Mel spectrogram (linear power).</summary>
    Mel = 8,
    /// <summary>Spectral contrast.</summary>
    Contrast = 16,
    /// <summary>Zero-crossing rate.</summary>
    ZeroCrossingRate = 32,
    /// <summary>Spectral roll-off.</summary>
    Rolloff = 64,
    /// <summary>Spectral centroid.</summary>
    Centroid = 128,
    /// <summary>RMS energy.</summary>
    Rms = 256,
    /// <summary>Spectral bandwidth.</summary>
    Bandwidth = 512,
    /// <summary>Spectral flatness.</summary>
    Flatness = 1024,
    /// <summary>F0 and voicing (YIN).</summary>
    Pitch = 2048,
    /// <summary>Everything.</summary>
    All = Mfcc | DeltaMfcc | Chroma | Mel | Contrast | ZeroCrossingRate | Rolloff | Centroid | Rms | Bandwidth | Flatness | Pitch,
}
