namespace EmotionML.Training.Evaluation;

/// <summary>
/// How far a model's confidence can be trusted: expected calibration error (top label, equal-width bins),
/// negative log-likelihood, the reliability table behind a reliability diagram, and the temperature that
/// minimises the negative log-likelihood.
/// </summary>
public static class CalibrationMetrics
{
    /// <summary>
    /// Expected calibration error: clips binned by their top probability into <paramref name="bins"/> equal-width
    /// bins; the mean over clips of |accuracy − mean confidence| of their bin.
    /// </summary>
    /// <param name="probabilities">Each clip's probabilities.</param>
    /// <param name="truth">Each clip's true label index.</param>
    /// <param name="bins">Number of bins (10).</param>
    public static double ExpectedCalibrationError(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> truth, int bins = 10) =>
        ExpectedCalibrationError(Reliability(probabilities, truth, bins), probabilities.Count);

    /// <summary>
    /// Expected calibration error from each clip's top-label confidence and whether that label was right (usable when
    /// predictions are mapped into another label set, as in cross-corpus evaluation).
    /// </summary>
    /// <param name="confidence">Each clip's top probability.</param>
    /// <param name="correct">Whether its prediction was right.</param>
    /// <param name="bins">Number of bins (10).</param>
    public static double ExpectedCalibrationError(IReadOnlyList<double> confidence, IReadOnlyList<bool> correct, int bins = 10) =>
        ExpectedCalibrationError(Reliability(confidence, correct, bins), confidence.Count);

    /// <summary>Mean negative log-likelihood of the true labels (probabilities floored at 1e-7).</summary>
    /// <param name="probabilities">Each clip's probabilities.</param>
    /// <param name="truth">Each clip's true label index.</param>
    public static double NegativeLogLikelihood(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> truth)
    {
        double sum = 0;
        for (int i = 0; i < probabilities.Count; i++)
        {
            sum -= Math.Log(Math.Max(probabilities[i][truth[i]], 1e-7));
        }

        return sum / Math.Max(1, probabilities.Count);
    }

    /// <summary>The reliability table: per confidence bin, its clips, mean confidence and accuracy.</summary>
    /// <param name="probabilities">Each clip's probabilities.</param>
    /// <param name="truth">Each clip's true label index.</param>
    /// <param name="bins">Number of equal-width bins.</param>
    public static IReadOnlyList<ReliabilityBin> Reliability(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> truth, int bins = 10)
    {
        var top = probabilities.Select(EmotionModel.ArgMax).ToArray();
        return Reliability(top.Select((t, i) => (double)probabilities[i][t]).ToArray(), top.Select((t, i) => t == truth[i]).ToArray(), bins);
    }

    /// <summary>The reliability table from each clip's top confidence and whether it was right.</summary>
    /// <param name="confidence">Each clip's top probability.</param>
    /// <param name="correct">Whether its prediction was right.</param>
    /// <param name="bins">Number of equal-width bins.</param>
    public static IReadOnlyList<ReliabilityBin> Reliability(IReadOnlyList<double> confidence, IReadOnlyList<bool> correct, int bins = 10)
    {
        var count = new int[bins];
        var sumConfidence = new double[bins];
        var sumCorrect = new double[bins];
        for (int i = 0; i < confidence.Count; i++)
        {
            int b = Math.Clamp((int)(confidence[i] * bins), 0, bins - 1);
            count[b]++;
            sumConfidence[b] += confidence[i];
            sumCorrect[b] += correct[i] ? 1 : 0;
        }

        return Enumerable.Range(0, bins)
            .Select(b => new ReliabilityBin((double)b / bins, (double)(b + 1) / bins, count[b], count[b] == 0 ? 0 : sumConfidence[b] / count[b], count[b] == 0 ? 0 : sumCorrect[b] / count[b]))
            .ToArray();
    }

    /// <summary>The temperature scaling fitted on held-out probabilities, with its ECE and NLL before and after on them.</summary>
    /// <param name="probabilities">Held-out clips' probabilities (uncalibrated).</param>
    /// <param name="truth">Their true label indices.</param>
    public static ProbabilityCalibration Fit(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> truth)
    {
        double t = FitTemperature(probabilities, truth);
        var calibrated = Apply(probabilities, t);
        return new ProbabilityCalibration
        {
            Temperature = Math.Round(t, 6),
            EceBefore = Math.Round(ExpectedCalibrationError(probabilities, truth), 6),
            EceAfter = Math.Round(ExpectedCalibrationError(calibrated, truth), 6),
            NllBefore = Math.Round(NegativeLogLikelihood(probabilities, truth), 6),
            NllAfter = Math.Round(NegativeLogLikelihood(calibrated, truth), 6),
        };
    }

    /// <summary>
    /// Cross-fitted temperature scaling over groups (outer folds): each group's probabilities are calibrated with a
    /// temperature fitted on the other groups' clips only: a clip's own probabilities and label are not among the data
    /// its temperature is fitted on. With a
    /// single group there is nothing to fit on: its temperature is 1.
    /// </summary>
    /// <param name="probabilities">Each clip's uncalibrated probabilities.</param>
    /// <param name="truth">Each clip's true label index.</param>
    /// <param name="group">Each clip's group (e.g. the outer fold that held it out).</param>
    /// <returns>Each clip's calibrated probabilities and each group's temperature (by group, ascending).</returns>
    public static (float[][] Calibrated, IReadOnlyDictionary<int, double> Temperatures) CrossFit(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> truth, IReadOnlyList<int> group)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(group);
        if (truth.Count != probabilities.Count || group.Count != probabilities.Count)
        {
            throw new ArgumentException("probabilities, truth and group must have one entry per clip.");
        }

        var calibrated = new float[probabilities.Count][];
        var temperatures = new SortedDictionary<int, double>();
        foreach (int g in group.Distinct().Order())
        {
            var others = Enumerable.Range(0, probabilities.Count).Where(i => group[i] != g).ToArray();
            double t = others.Length == 0 ? 1 : FitTemperature(others.Select(i => probabilities[i]).ToArray(), others.Select(i => truth[i]).ToArray());
            temperatures[g] = t;
            for (int i = 0; i < probabilities.Count; i++)
            {
                if (group[i] == g)
                {
                    calibrated[i] = (float[])probabilities[i].Clone();
                    ProbabilityCalibration.Apply(calibrated[i], t);
                }
            }
        }

        return (calibrated, temperatures);
    }

    /// <summary>The temperature T (0.05 to 20) minimising the negative log-likelihood of temperature-scaled probabilities.</summary>
    /// <param name="probabilities">Held-out clips' probabilities (uncalibrated).</param>
    /// <param name="truth">Their true label indices.</param>
    public static double FitTemperature(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> truth)
    {
        double Loss(double logT) => NegativeLogLikelihood(Apply(probabilities, Math.Exp(logT)), truth);

        // Golden-section search on log T: the loss is unimodal in T for temperature scaling.
        double a = Math.Log(0.05), b = Math.Log(20), ratio = (Math.Sqrt(5) - 1) / 2;
        double c = b - ratio * (b - a), d = a + ratio * (b - a);
        double fc = Loss(c), fd = Loss(d);
        for (int i = 0; i < 60 && b - a > 1e-4; i++)
        {
            if (fc < fd)
            {
                b = d;
                d = c;
                fd = fc;
                c = b - ratio * (b - a);
                fc = Loss(c);
            }
            else
            {
                a = c;
                c = d;
                fc = fd;
                d = a + ratio * (b - a);
                fd = Loss(d);
            }
        }

        return Math.Exp((a + b) / 2);
    }

    private static double ExpectedCalibrationError(IReadOnlyList<ReliabilityBin> bins, int clips) =>
        bins.Sum(b => b.Count * Math.Abs(b.Accuracy - b.Confidence)) / Math.Max(1, clips);

    /// <summary>Applies a temperature to copies of the probabilities.</summary>
    /// <param name="probabilities">The probabilities.</param>
    /// <param name="temperature">T.</param>
    public static float[][] Apply(IReadOnlyList<float[]> probabilities, double temperature) => probabilities.Select(p =>
    {
        var q = (float[])p.Clone();
        ProbabilityCalibration.Apply(q, temperature);
        return q;
    }).ToArray();
}

/// <summary>One bin of a reliability diagram.</summary>
/// <param name="Low">Lower confidence edge.</param>
/// <param name="High">Upper confidence edge.</param>
/// <param name="Count">Clips in the bin.</param>
/// <param name="Confidence">Their mean top probability.</param>
/// <param name="Accuracy">The share of them predicted right.</param>
public sealed record ReliabilityBin(double Low, double High, int Count, double Confidence, double Accuracy);
