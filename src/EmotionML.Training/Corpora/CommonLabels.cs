namespace EmotionML.Training.Corpora;

/// <summary>
/// The label set shared by all corpora so they can be combined: neutral, happy, sad, angry, fearful, disgust,
/// surprised. Calm merges into neutral or is dropped; EmoDB's boredom has no counterpart and is dropped.
/// </summary>
public static class CommonLabels
{
    /// <summary>The common set.</summary>
    public static LabelSet All { get; } = new("common", ["neutral", "happy", "sad", "angry", "fearful", "disgust", "surprised"]);

    /// <summary>The common label for a corpus label (all readers already use these names), or null when it has none.</summary>
    /// <param name="label">A corpus label.</param>
    /// <param name="calm">What to do with calm.</param>
    public static string? Map(string label, CalmHandling calm = CalmHandling.MergeIntoNeutral) => label switch
    {
        "calm" => calm == CalmHandling.MergeIntoNeutral ? "neutral" : null,
        "boredom" => null,
        _ when All.Contains(label) => label,
        _ => null,
    };
}
