namespace EmotionML.Training.Evaluation;

/// <summary>The metric the experiment maximises.</summary>
public enum OptimizationMetric
{
    /// <summary>Macro-averaged F1 (default): every emotion counts the same whatever its frequency.</summary>
    MacroF1,
    /// <summary>Accuracy.</summary>
    Accuracy,
}
