namespace EmotionML.Features;

/// <summary>The spectrum chroma is projected from.</summary>
public enum ChromaSpectrum
{
    /// <summary>|STFT|², librosa's default for <c>chroma_stft(y=...)</c>.</summary>
    Power,

    /// <summary>|STFT|, as common speech-emotion code calls it (<c>chroma_stft(S=np.abs(stft))</c>).</summary>
    Magnitude,
}
