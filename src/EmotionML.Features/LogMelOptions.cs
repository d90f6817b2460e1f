namespace EmotionML.Features;

/// <summary>How <see cref="SpeechFeatureExtractor.ExtractLogMel"/> shapes its tensor.</summary>
public sealed record LogMelOptions
{
    /// <summary>Fixed number of frames: longer clips keep their centre frames, shorter ones are padded at the end with the floor value. <c>null</c> keeps the clip's own length.</summary>
    public int? FixedFrames { get; init; }

    /// <summary>
    /// dB reference: <c>false</c> (default) uses ref = 1.0 like the MFCC path; <c>true</c> uses the clip's maximum
    /// (librosa's <c>ref=np.max</c>), so every clip peaks at 0 dB and loudness is factored out.
    /// </summary>
    public bool ReferenceToMax { get; init; }
}
