namespace EmotionML;

/// <summary>One input's outcome, for the writers: a whole-clip prediction and/or a timeline, or an error.</summary>
/// <param name="Source">The file or stream name.</param>
/// <param name="Prediction">The whole-clip prediction, if any.</param>
/// <param name="Segments">The timeline, if any.</param>
/// <param name="Error">Why the input could not be read, if it could not.</param>
public sealed record PredictionRecord(string Source, EmotionPrediction? Prediction, IReadOnlyList<EmotionSegment>? Segments = null, string? Error = null);
