namespace EmotionML.Features;

/// <summary>Statistics taken over frames when a clip is pooled into one vector; each adds one column per feature row.</summary>
[Flags]
public enum PoolingStatistics
{
    /// <summary>Mean over frames (<c>_mean</c>).</summary>
    Mean = 1,
    /// <summary>Population standard deviation over frames (<c>_std</c>).</summary>
    StandardDeviation = 2,
    /// <summary>Minimum (<c>_min</c>).</summary>
    Min = 4,
    /// <summary>Maximum (<c>_max</c>).</summary>
    Max = 8,
    /// <summary>Skewness (<c>_skew</c>; 0 for a constant row).</summary>
    Skewness = 16,
    /// <summary>Excess kurtosis (<c>_kurt</c>; 0 for a constant row).</summary>
    Kurtosis = 32,
    /// <summary>Mean and standard deviation: the default.</summary>
    Default = Mean | StandardDeviation,
    /// <summary>Every statistic.</summary>
    All = Mean | StandardDeviation | Min | Max | Skewness | Kurtosis,
}
