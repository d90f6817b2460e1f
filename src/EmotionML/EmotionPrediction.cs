namespace EmotionML;

/// <summary>The emotion recognised in a clip.</summary>
/// <param name="Label">The most probable label.</param>
/// <param name="Confidence">Its probability.</param>
/// <param name="Scores">The probability of every label (they sum to 1), in <paramref name="Labels"/> order.</param>
/// <param name="Duration">The clip's duration.</param>
/// <param name="Labels">The model's label set.</param>
public sealed record EmotionPrediction(string Label, float Confidence, IReadOnlyDictionary<string, float> Scores, TimeSpan Duration, IReadOnlyList<string> Labels);
