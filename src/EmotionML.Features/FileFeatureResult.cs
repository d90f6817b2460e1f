namespace EmotionML.Features;

/// <summary>The features of one file, or why it could not be read.</summary>
public sealed class FileFeatureResult
{
    internal FileFeatureResult(string path, FeatureVector? vector, int sourceSampleRate, double durationSeconds, string? error)
    {
        Path = path;
        Vector = vector;
        SourceSampleRate = sourceSampleRate;
        DurationSeconds = durationSeconds;
        Error = error;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The pooled vector; <c>null</c> when <see cref="Error"/> is set.</summary>
    public FeatureVector? Vector { get; }

    /// <summary>The file's own sample rate (before resampling to the analysis rate).</summary>
    public int SourceSampleRate { get; }

    /// <summary>Duration of the audio, seconds.</summary>
    public double DurationSeconds { get; }

    /// <summary>Why the file could not be read, or <c>null</c>.</summary>
    public string? Error { get; }

    /// <summary>Whether the file was read.</summary>
    public bool Succeeded => Error is null;
}
