namespace EmotionML.Training.Evaluation;

/// <summary>One class' precision, recall, F1 and number of true examples.</summary>
/// <param name="Label">The class.</param>
/// <param name="Precision">Precision.</param>
/// <param name="Recall">Recall.</param>
/// <param name="F1">F1.</param>
/// <param name="Support">True examples of the class.</param>
public sealed record ClassMetrics(string Label, double Precision, double Recall, double F1, int Support);
