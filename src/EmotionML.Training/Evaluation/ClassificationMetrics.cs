namespace EmotionML.Training.Evaluation;

/// <summary>Accuracy, macro- and weighted-F1, per-class precision/recall/F1 and the confusion matrix of a set of predictions.</summary>
public sealed class ClassificationMetrics
{
    private ClassificationMetrics(IReadOnlyList<string> labels, int[,] confusion)
    {
        Labels = labels;
        Confusion = confusion;
        int k = labels.Count;
        var perClass = new ClassMetrics[k];
        long total = 0, correct = 0;
        for (int i = 0; i < k; i++)
        {
            long tp = confusion[i, i], fp = 0, fn = 0;
            for (int j = 0; j < k; j++)
            {
                total += confusion[i, j];
                if (j != i)
                {
                    fn += confusion[i, j];
                    fp += confusion[j, i];
                }
            }

            correct += tp;
            double precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
            double recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass[i] = new ClassMetrics(labels[i], precision, recall, f1, (int)(tp + fn));
        }

        PerClass = perClass;
        Count = (int)total;
        Accuracy = total == 0 ? 0 : (double)correct / total;
        var present = perClass.Where(c => c.Support > 0).ToArray();
        MacroF1 = present.Length == 0 ? 0 : present.Average(c => c.F1);
        WeightedF1 = total == 0 ? 0 : perClass.Sum(c => c.F1 * c.Support) / total;
    }

    /// <summary>The label order of <see cref="Confusion"/> and <see cref="PerClass"/>.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Confusion counts: [true label, predicted label].</summary>
    public int[,] Confusion { get; }

    /// <summary>Per-class precision, recall, F1 and support.</summary>
    public IReadOnlyList<ClassMetrics> PerClass { get; }

    /// <summary>Number of predictions.</summary>
    public int Count { get; }

    /// <summary>Fraction correct.</summary>
    public double Accuracy { get; }

    /// <summary>Unweighted mean of the F1 of the classes that occur.</summary>
    public double MacroF1 { get; }

    /// <summary>Support-weighted mean F1.</summary>
    public double WeightedF1 { get; }

    /// <summary>Computes the metrics of predictions given as label indices.</summary>
    /// <param name="labels">The label set.</param>
    /// <param name="truth">True label index of each item.</param>
    /// <param name="predicted">Predicted label index of each item.</param>
    public static ClassificationMetrics Compute(IReadOnlyList<string> labels, IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        if (truth.Count != predicted.Count)
        {
            throw new ArgumentException("truth and predicted differ in length.");
        }

        var confusion = new int[labels.Count, labels.Count];
        for (int i = 0; i < truth.Count; i++)
        {
            confusion[truth[i], predicted[i]]++;
        }

        return new ClassificationMetrics(labels, confusion);
    }

    /// <summary>The value of a metric.</summary>
    public double Get(OptimizationMetric metric) => metric == OptimizationMetric.Accuracy ? Accuracy : MacroF1;
}
