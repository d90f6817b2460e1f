namespace EmotionML.Training.AutoML;

/// <summary>One evaluated candidate: its cross-validated score (mean ± population std over folds) and cost.</summary>
public sealed class TrialResult
{
    internal TrialResult(int index, TrialConfig config, double[] foldScores, int[] outOfFold, TimeSpan duration, float[][]? outOfFoldProbabilities = null)
    {
        OutOfFoldProbabilities = outOfFoldProbabilities ?? [];
        Index = index;
        Config = config;
        FoldScores = foldScores;
        OutOfFoldPredictions = outOfFold;
        Duration = duration;
        Mean = foldScores.Average();
        Std = Math.Sqrt(foldScores.Average(s => (s - Mean) * (s - Mean)));
    }

    /// <summary>The trial's number, from 1.</summary>
    public int Index { get; }

    /// <summary>The candidate.</summary>
    public TrialConfig Config { get; }

    /// <summary>The metric on each validation fold.</summary>
    public double[] FoldScores { get; }

    /// <summary>Mean over folds.</summary>
    public double Mean { get; }

    /// <summary>Population standard deviation over folds.</summary>
    public double Std { get; }

    /// <summary>Each item's predicted label index when its fold was held out.</summary>
    public int[] OutOfFoldPredictions { get; }

    /// <summary>Each item's probabilities (uncalibrated) when its fold was held out: what calibration is fitted on.</summary>
    public float[][] OutOfFoldProbabilities { get; }

    /// <summary>Wall time of the trial (all folds).</summary>
    public TimeSpan Duration { get; }

    /// <inheritdoc />
    public override string ToString() => $"#{Index} {Config}: {Mean:F3} ± {Std:F3} ({Duration.TotalSeconds:F1} s)";
}
