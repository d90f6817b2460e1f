namespace EmotionML.Training.Corpora;

/// <summary>How a corpus is read.</summary>
public sealed record CorpusReadOptions
{
    /// <summary>When true, any file whose name does not parse is an error (<see cref="CorpusFormatException"/>) instead of a <see cref="RejectedFile"/>.</summary>
    public bool Strict { get; init; }

    /// <summary>
    /// For folder-per-label corpora, which carry no speaker ids: a regular expression matched against each file's
    /// path below its label folder (with '/' separators) whose <c>speaker</c> group (or first group) names the
    /// speaker, e.g. <c>^(?&lt;speaker&gt;[^_/]+)_</c> for <c>angry/spk12_001.wav</c>. Without it, validation
    /// cannot be speaker-independent and the reports say so.
    /// </summary>
    public System.Text.RegularExpressions.Regex? SpeakerPattern { get; init; }

    /// <summary>File extensions read as audio (default: common audio extensions).</summary>
    public IReadOnlySet<string> Extensions { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".wav", ".mp3", ".ogg", ".flac", ".m4a", ".opus",
    };
}
