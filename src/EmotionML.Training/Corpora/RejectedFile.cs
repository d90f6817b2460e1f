namespace EmotionML.Training.Corpora;

/// <summary>A file a corpus reader could not use, and why.</summary>
/// <param name="Path">The file.</param>
/// <param name="Reason">Why its name or row did not parse.</param>
public sealed record RejectedFile(string Path, string Reason);
