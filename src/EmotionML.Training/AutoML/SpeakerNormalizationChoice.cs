namespace EmotionML.Training.AutoML;

/// <summary>Whether the experiment tries speaker-normalised features.</summary>
public enum SpeakerNormalizationChoice
{
    /// <summary>Try pipelines with and without it and keep what validates better (default).</summary>
    Search,
    /// <summary>Always normalise per speaker.</summary>
    Always,
    /// <summary>Never normalise per speaker.</summary>
    Never,
}
