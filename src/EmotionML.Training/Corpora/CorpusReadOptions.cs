namespace EmotionML.Training.Corpora;

/// <summary>How a corpus is read.</summary>
public sealed record CorpusReadOptions
{
    /// <summary>When true, any file whose name does not parse is an error (<see cref="CorpusFormatException"/>) instead of a <see cref="RejectedFile"/>.</summary>
    public bool Strict { get; init; }

    /// <summary>File extensions read as audio (default: common audio extensions).</summary>
    public IReadOnlySet<string> Extensions { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".wav", ".mp3", ".ogg", ".flac", ".m4a", ".opus",
    };
}
