namespace EmotionML.Training.Corpora;

/// <summary>What the common label set does with RAVDESS' "calm", which other corpora lack.</summary>
public enum CalmHandling
{
    /// <summary>Calm becomes neutral (default).</summary>
    MergeIntoNeutral,
    /// <summary>Calm items are dropped.</summary>
    Drop,
}
