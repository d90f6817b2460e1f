namespace EmotionML;

/// <summary>
/// Temperature scaling of a model's probabilities: p'ᵢ ∝ pᵢ^(1/T). T &gt; 1 softens over-confident scores, T &lt; 1
/// sharpens timid ones; the ranking (and so the predicted label and the accuracy) never changes. T is fitted by
/// minimising the negative log-likelihood of out-of-fold predictions on held-out speakers only, so it reflects how
/// the model does on voices it has not heard.
/// </summary>
public sealed record ProbabilityCalibration
{
    /// <summary>The method ("temperature").</summary>
    public string Method { get; init; } = "temperature";

    /// <summary>The fitted temperature T.</summary>
    public double Temperature { get; init; } = 1;

    /// <summary>Expected calibration error (10 bins, top label) of the held-out predictions it was fitted on, before.</summary>
    public double EceBefore { get; init; }

    /// <summary>The same after calibration (on the data it was fitted on; the nested figures in the report are the estimate).</summary>
    public double EceAfter { get; init; }

    /// <summary>Negative log-likelihood per clip before.</summary>
    public double NllBefore { get; init; }

    /// <summary>Negative log-likelihood per clip after.</summary>
    public double NllAfter { get; init; }

    /// <summary>Applies the temperature to probabilities that sum to 1 (in place).</summary>
    /// <param name="probabilities">The probabilities.</param>
    public void Apply(Span<float> probabilities) => Apply(probabilities, Temperature);

    /// <summary>Applies temperature <paramref name="temperature"/> to probabilities that sum to 1 (in place).</summary>
    /// <param name="probabilities">The probabilities.</param>
    /// <param name="temperature">T &gt; 0.</param>
    public static void Apply(Span<float> probabilities, double temperature)
    {
        if (temperature == 1 || probabilities.IsEmpty)
        {
            return;
        }

        Span<double> logits = probabilities.Length <= 64 ? stackalloc double[probabilities.Length] : new double[probabilities.Length];
        double max = double.NegativeInfinity;
        for (int i = 0; i < probabilities.Length; i++)
        {
            logits[i] = Math.Log(Math.Max(probabilities[i], 1e-12)) / temperature;
            max = Math.Max(max, logits[i]);
        }

        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = Math.Exp(logits[i] - max);
            sum += logits[i];
        }

        for (int i = 0; i < logits.Length; i++)
        {
            probabilities[i] = (float)(logits[i] / sum);
        }
    }
}
