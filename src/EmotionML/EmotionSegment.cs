namespace EmotionML;

/// <summary>The emotion recognised in one window of a long recording.</summary>
/// <param name="Start">Window start, from the beginning of the recording.</param>
/// <param name="End">Window end.</param>
/// <param name="Label">The most probable label.</param>
/// <param name="Confidence">Its probability.</param>
/// <param name="Scores">Every label's probability (sum to 1).</param>
/// <param name="InDomain">Whether the window's features lie within the training data's range (null without a domain check).</param>
/// <param name="DomainScore">The window's distance from the training data.</param>
public sealed record EmotionSegment(TimeSpan Start, TimeSpan End, string Label, float Confidence, IReadOnlyDictionary<string, float> Scores, bool? InDomain = null, double? DomainScore = null);
