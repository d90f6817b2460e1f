namespace EmotionML;

/// <summary>The emotion recognised in a clip.</summary>
/// <param name="Label">The most probable label.</param>
/// <param name="Confidence">Its probability.</param>
/// <param name="Scores">The probability of every label (they sum to 1), in <paramref name="Labels"/> order.</param>
/// <param name="Duration">The clip's duration.</param>
/// <param name="Labels">The model's label set.</param>
/// <param name="InDomain">
/// Whether the clip's features lie within the range of the training data (null when the model has no domain
/// check). An out-of-domain clip (a synthetic voice, noise, music, a very different recording) gets a prediction
/// all the same; treat it with suspicion.
/// </param>
/// <param name="DomainScore">The clip's distance from the training data (about 1 for typical training clips; see <see cref="DomainModel"/>).</param>
public sealed record EmotionPrediction(string Label, float Confidence, IReadOnlyDictionary<string, float> Scores, TimeSpan Duration, IReadOnlyList<string> Labels, bool? InDomain = null, double? DomainScore = null);
