namespace EmotionML.Training.Corpora;

/// <summary>A named, ordered set of class labels.</summary>
/// <param name="Name">The set's name ("ravdess", "emodb", "common").</param>
/// <param name="Labels">The labels, in a fixed order.</param>
public sealed record LabelSet(string Name, IReadOnlyList<string> Labels)
{
    /// <summary>RAVDESS' 8 emotions.</summary>
    public static LabelSet Ravdess { get; } = new("ravdess", ["neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"]);

    /// <summary>EmoDB's 7 emotions (boredom included).</summary>
    public static LabelSet EmoDb { get; } = new("emodb", ["neutral", "boredom", "happy", "sad", "angry", "fearful", "disgust"]);

    /// <summary>TESS' 7 emotions (pleasant surprise as "surprised").</summary>
    public static LabelSet Tess { get; } = new("tess", ["neutral", "happy", "sad", "angry", "fearful", "disgust", "surprised"]);

    /// <summary>CREMA-D's 6 emotions.</summary>
    public static LabelSet CremaD { get; } = new("cremad", ["neutral", "happy", "sad", "angry", "fearful", "disgust"]);

    /// <summary>SAVEE's 7 emotions.</summary>
    public static LabelSet Savee { get; } = new("savee", ["neutral", "happy", "sad", "angry", "fearful", "disgust", "surprised"]);

    /// <summary>Whether a label belongs to the set.</summary>
    public bool Contains(string label) => Labels.Contains(label, StringComparer.Ordinal);

    /// <inheritdoc />
    public bool Equals(LabelSet? other) => other is not null && Name == other.Name && Labels.SequenceEqual(other.Labels);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Labels.Count);
}
