using System.Diagnostics;
using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;

namespace EmotionML.Training.AutoML;

/// <summary>
/// Nested evaluation: the figure to quote for a searched model. The experiment's own cross-validated score is
/// the maximum over its trials, so it is optimistic. Here the whole search runs again inside each outer
/// speaker-grouped fold, on that fold's training speakers only (with its own inner speaker-grouped folds), and its
/// winner is scored once on the outer fold's held-out speakers. No held-out clip is used for training, the search,
/// augmentation or the speaker normalisation's prior; speaker-normalised winners score each held-out clip with a
/// profile from other clips of its speaker (<see cref="EnrolmentProtocol"/>).
/// </summary>
public static class NestedEvaluation
{
    /// <summary>Runs the search in every outer fold and scores each winner on its held-out speakers.</summary>
    /// <param name="data">All the data.</param>
    /// <param name="options">The search settings for each outer fold (its budget applies to each search; folds and seed to the inner split).</param>
    /// <param name="outer">The outer folds.</param>
    /// <param name="progress">Receives every inner trial and every finished outer fold.</param>
    /// <param name="cancellationToken">Stops the evaluation (an <see cref="OperationCanceledException"/>: a partial nested figure is not reported).</param>
    /// <param name="cnnLog">Receives the CNN trainer's lines when <see cref="ExperimentOptions.Cnn"/> is set.</param>
    public static NestedResult Run(EmotionDataset data, ExperimentOptions options, SpeakerGroupedFolds outer, IProgress<NestedProgress>? progress = null, CancellationToken cancellationToken = default, IProgress<string>? cnnLog = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(outer);
        var watch = Stopwatch.StartNew();
        var predictions = new int[data.Count];
        var raw = new float[data.Count][];
        var calibrated = new float[data.Count][];
        var inDomain = new bool[data.Count];
        bool anyDomain = false;
        var curve = EnrolmentProtocol.CurveSizes.ToDictionary(k => k, _ => new int[data.Count]);
        var folds = new List<NestedFold>();
        bool anyNormalised = false;
        // With CNN candidates: each outer fold's tree part and CNN alone, beside the chosen model.
        int[]? treeOnly = options.Cnn is null ? null : new int[data.Count];
        int[]? cnnOnly = options.Cnn is null ? null : new int[data.Count];
        var treeParts = options.Cnn is null ? null : new float[data.Count][];
        var cnnParts = options.Cnn is null ? null : new float[data.Count][];
        var foldOf = new int[data.Count];
        // Scores held-out clips (with enrolment profiles drawn among them) for every outer fold's winner.
        var validator = new CrossValidator(new Microsoft.ML.MLContext(options.Seed), data, outer, options.Metric, options.Threads, options.EnrolmentClips, options.Seed);
        for (int k = 0; k < outer.Count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (train, test) = outer.Split(k);
            var subset = data.Subset(train);
            int innerFolds = Math.Min(options.Folds, subset.Speakers.Distinct().Count());
            var inner = options with { FoldAssignment = null, Folds = innerFolds };
            int fold = k;
            var trialProgress = progress is null ? null : new Relay(t => progress.Report(new NestedProgress(fold, outer.Count, t, null)));
            var result = new EmotionExperiment(inner) { Log = cnnLog }.Run(subset, trialProgress, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            using var model = result.Model;
            var rawProbabilities = validator.RawProbabilities(model, test, options.EnrolmentClips);
            var calibratedProbabilities = model.Calibration is { } calibration ? CalibrationMetrics.Apply(rawProbabilities, calibration.Temperature) : rawProbabilities;
            var predicted = calibratedProbabilities.Select(EmotionModel.ArgMax).ToArray();
            for (int j = 0; j < test.Length; j++)
            {
                predictions[test[j]] = predicted[j];
                foldOf[test[j]] = k;
                raw[test[j]] = rawProbabilities[j];
                calibrated[test[j]] = calibratedProbabilities[j];
                if (model.Domain is { } domain)
                {
                    inDomain[test[j]] = domain.IsInDomain(domain.Distance(data.Features[test[j]]));
                    anyDomain = true;
                }
            }

            foreach (var (clips, target) in curve)
            {
                var atK = model.RequiresSpeakerProfile ? validator.Predict(model, test, clips) : predicted;
                for (int j = 0; j < test.Length; j++)
                {
                    target[test[j]] = atK[j];
                }
            }

            if (result.Cnn is { } blend)
            {
                var (treePart, cnnPart) = validator.ComponentProbabilities(model, test, options.EnrolmentClips);
                if (cnnPart is null)
                {
                    // The trees won outright (weight 0): the model holds no CNN, so its fold's CNN is scored on its own.
                    using var cnn = CnnModel.Load(Path.Combine(blend.CnnFolder, "model.onnx"));
                    cnnPart = test.Select(i => cnn.Predict(data.LogMel!.Spectrograms[i], data.Labels)).ToArray();
                }

                for (int j = 0; j < test.Length; j++)
                {
                    treeOnly![test[j]] = treePart is null ? predicted[j] : EmotionModel.ArgMax(treePart[j]);
                    cnnOnly![test[j]] = EmotionModel.ArgMax(cnnPart[j]);
                    treeParts![test[j]] = treePart is null ? rawProbabilities[j] : treePart[j];
                    cnnParts![test[j]] = cnnPart[j];
                }
            }

            anyNormalised |= model.RequiresSpeakerProfile;
            var metrics = ClassificationMetrics.Compute(data.Labels, test.Select(i => data.LabelIndex[i]).ToArray(), predicted);
            var finished = new NestedFold(k, outer.SpeakersPerFold[k], result.Best.Config, result.Best.Mean, result.Trials.Count, metrics, result.Elapsed) { CnnWeight = result.Cnn?.Weight };
            folds.Add(finished);
            progress?.Report(new NestedProgress(k, outer.Count, null, finished));
        }

        var pooled = ClassificationMetrics.Compute(data.Labels, data.LabelIndex, predictions);
        var points = anyNormalised
            ? curve.Select(c =>
            {
                var m = ClassificationMetrics.Compute(data.Labels, data.LabelIndex, c.Value);
                return new EnrolmentPoint { Clips = c.Key, Accuracy = Math.Round(m.Accuracy, 6), MacroF1 = Math.Round(m.MacroF1, 6) };
            }).ToArray()
            : [];
        var truth = data.LabelIndex;
        var confidence = new NestedConfidence(
            CalibrationMetrics.ExpectedCalibrationError(raw, truth),
            CalibrationMetrics.ExpectedCalibrationError(calibrated, truth),
            CalibrationMetrics.NegativeLogLikelihood(raw, truth),
            CalibrationMetrics.NegativeLogLikelihood(calibrated, truth),
            CalibrationMetrics.Reliability(raw, truth),
            CalibrationMetrics.Reliability(calibrated, truth),
            anyDomain ? inDomain.Count(x => x) / (double)data.Count : null,
            anyDomain ? Accuracy(predictions, truth, inDomain, true) : null,
            anyDomain ? Accuracy(predictions, truth, inDomain, false) : null)
        {
            CrossFitted = NestedCalibration.Fit(raw, truth, foldOf),
        };
        var families = treeOnly is null ? null : new Dictionary<string, ClassificationMetrics>
        {
            ["tree"] = ClassificationMetrics.Compute(data.Labels, truth, treeOnly),
            ["cnn"] = ClassificationMetrics.Compute(data.Labels, truth, cnnOnly!),
            ["chosen"] = pooled,
        };
        return new NestedResult(outer, folds, pooled, predictions, anyNormalised ? options.EnrolmentClips : 0, points, watch.Elapsed)
        {
            Confidence = confidence,
            Families = families,
            OuterFoldOf = foldOf,
            Probabilities = calibrated,
            RawProbabilities = raw,
            TreeProbabilities = treeParts is not null && treeParts.All(p => p is not null) ? treeParts : null,
            CnnProbabilities = cnnParts is not null && cnnParts.All(p => p is not null) ? cnnParts : null,
        };
    }

    private static double? Accuracy(int[] predicted, int[] truth, bool[] inDomain, bool side)
    {
        var idx = Enumerable.Range(0, predicted.Length).Where(i => inDomain[i] == side).ToArray();
        return idx.Length == 0 ? null : idx.Count(i => predicted[i] == truth[i]) / (double)idx.Length;
    }

    private sealed class Relay(Action<TrialResult> report) : IProgress<TrialResult>
    {
        public void Report(TrialResult value) => report(value);
    }
}

/// <summary>Progress of a nested evaluation: an inner trial of an outer fold, or a finished outer fold.</summary>
/// <param name="OuterFold">The outer fold (from 0).</param>
/// <param name="OuterFolds">Number of outer folds.</param>
/// <param name="Trial">An inner trial that just finished, or null.</param>
/// <param name="Finished">The outer fold that just finished, or null.</param>
public sealed record NestedProgress(int OuterFold, int OuterFolds, TrialResult? Trial, NestedFold? Finished);

/// <summary>One outer fold of a nested evaluation.</summary>
/// <param name="Fold">The outer fold (from 0).</param>
/// <param name="HeldOutSpeakers">Its held-out speakers.</param>
/// <param name="Winner">The inner search's winner.</param>
/// <param name="InnerScore">The winner's inner cross-validated score (what the inner search maximised).</param>
/// <param name="Trials">Inner trials run.</param>
/// <param name="Metrics">The winner's scores on the held-out speakers.</param>
/// <param name="SearchTime">The inner search's time.</param>
public sealed record NestedFold(int Fold, IReadOnlyList<string> HeldOutSpeakers, TrialConfig Winner, double InnerScore, int Trials, ClassificationMetrics Metrics, TimeSpan SearchTime)
{
    /// <summary>The CNN's share in the fold's chosen model (0: the tree alone; 1: the CNN alone), or null without CNN candidates.</summary>
    public double? CnnWeight { get; init; }
}

/// <summary>The outcome of a nested evaluation.</summary>
public sealed class NestedResult
{
    internal NestedResult(SpeakerGroupedFolds outer, IReadOnlyList<NestedFold> folds, ClassificationMetrics metrics, int[] predictions, int enrolmentClips, IReadOnlyList<EnrolmentPoint> enrolment, TimeSpan elapsed)
    {
        Outer = outer;
        Folds = folds;
        Metrics = metrics;
        Predictions = predictions;
        EnrolmentClips = enrolmentClips;
        Enrolment = enrolment;
        Elapsed = elapsed;
    }

    /// <summary>The outer folds.</summary>
    public SpeakerGroupedFolds Outer { get; }

    /// <summary>Each outer fold's winner and scores.</summary>
    public IReadOnlyList<NestedFold> Folds { get; }

    /// <summary>All held-out predictions scored together.</summary>
    public ClassificationMetrics Metrics { get; }

    /// <summary>Each item's prediction by the winner of the outer fold that held it out.</summary>
    public int[] Predictions { get; }

    /// <summary>Enrolment clips per held-out speaker behind <see cref="Metrics"/> (0 when no winner needed a profile).</summary>
    public int EnrolmentClips { get; }

    /// <summary>Accuracy by enrolment size, for speaker-normalised winners (empty when none was).</summary>
    public IReadOnlyList<EnrolmentPoint> Enrolment { get; }

    /// <summary>Total time.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>
    /// With CNN candidates: all held-out predictions of each fold's tree part alone (<c>tree</c>), its CNN alone
    /// (<c>cnn</c>) and the chosen model (<c>chosen</c>, the same as <see cref="Metrics"/>); null otherwise.
    /// </summary>
    public IReadOnlyDictionary<string, ClassificationMetrics>? Families { get; internal init; }

    /// <summary>Calibration and domain figures on the outer held-out speakers.</summary>
    public NestedConfidence? Confidence { get; internal init; }

    /// <summary>Each item's outer fold (the one that held it out).</summary>
    public IReadOnlyList<int> OuterFoldOf { get; internal init; } = [];

    /// <summary>Each item's probabilities (label order, calibrated as its fold's winner calibrates) from the outer fold that held it out.</summary>
    public IReadOnlyList<float[]> Probabilities { get; internal init; } = [];

    /// <summary>Each item's probabilities before any calibration from the outer fold that held it out.</summary>
    public IReadOnlyList<float[]> RawProbabilities { get; internal init; } = [];

    /// <summary>
    /// Whether the figures after calibration (<see cref="Confidence"/>, <see cref="Probabilities"/>) are those of a
    /// temperature fitted on the nested held-out predictions (<see cref="CalibrateOnNested"/>, cross-fitted) rather
    /// than each outer winner's own.
    /// </summary>
    public bool CalibratedOnNested { get; private init; }

    /// <summary>
    /// This evaluation as it describes a model whose temperature is <see cref="NestedConfidence.CrossFitted"/>'s
    /// pooled fit: the calibrated figures and probabilities become the cross-fitted ones (each outer fold's clips
    /// calibrated with a temperature fitted on the other folds' clips), so what the report and the manifest quote is
    /// an estimate of the shipped calibration. Predictions and accuracy do not change (a temperature keeps the ranking).
    /// </summary>
    /// <exception cref="InvalidOperationException">There is no cross-fitted calibration (fewer than two outer folds).</exception>
    public NestedResult CalibrateOnNested()
    {
        var fit = Confidence?.CrossFitted ?? throw new InvalidOperationException("The nested evaluation has no cross-fitted calibration (it needs at least two outer folds).");
        return new NestedResult(Outer, Folds, Metrics, Predictions, EnrolmentClips, Enrolment, Elapsed)
        {
            Families = Families,
            Confidence = Confidence with { EceAfter = fit.Ece, NllAfter = fit.Nll, ReliabilityAfter = fit.Reliability },
            OuterFoldOf = OuterFoldOf,
            Probabilities = fit.Calibrated,
            RawProbabilities = RawProbabilities,
            TreeProbabilities = TreeProbabilities,
            CnnProbabilities = CnnProbabilities,
            CalibratedOnNested = true,
        };
    }

    /// <summary>With CNN candidates: each item's probabilities from its fold's tree part alone (before calibration); null otherwise.</summary>
    public IReadOnlyList<float[]>? TreeProbabilities { get; internal init; }

    /// <summary>With CNN candidates: each item's probabilities from its fold's CNN alone; null otherwise.</summary>
    public IReadOnlyList<float[]>? CnnProbabilities { get; internal init; }

    /// <summary>Mean and population std over outer folds of a metric.</summary>
    /// <param name="metric">The metric.</param>
    public (double Mean, double Std) FoldSummary(Func<ClassificationMetrics, double> metric)
    {
        var values = Folds.Select(f => metric(f.Metrics)).ToArray();
        double mean = values.Average();
        return (mean, Math.Sqrt(values.Average(v => (v - mean) * (v - mean))));
    }

    /// <summary>The manifest's summary of this evaluation.</summary>
    public NestedSummary ToSummary()
    {
        var accuracy = FoldSummary(m => m.Accuracy);
        var macroF1 = FoldSummary(m => m.MacroF1);
        return new NestedSummary
        {
            Split = Outer.Description,
            OuterFolds = Outer.Count,
            Accuracy = Math.Round(Metrics.Accuracy, 6),
            MacroF1 = Math.Round(Metrics.MacroF1, 6),
            AccuracyFoldMean = Math.Round(accuracy.Mean, 6),
            AccuracyFoldStd = Math.Round(accuracy.Std, 6),
            MacroF1FoldMean = Math.Round(macroF1.Mean, 6),
            MacroF1FoldStd = Math.Round(macroF1.Std, 6),
            EnrolmentClips = EnrolmentClips,
            EceBefore = Confidence is { } c ? Math.Round(c.EceBefore, 6) : null,
            EceAfter = Confidence is { } c2 ? Math.Round(c2.EceAfter, 6) : null,
            NllBefore = Confidence is { } c3 ? Math.Round(c3.NllBefore, 6) : null,
            NllAfter = Confidence is { } c4 ? Math.Round(c4.NllAfter, 6) : null,
            InDomainShare = Confidence?.InDomainShare is { } share ? Math.Round(share, 6) : null,
        };
    }
}

/// <summary>
/// Confidence on outer held-out speakers: expected calibration error (10 bins, top label) and negative
/// log-likelihood before and after each outer winner's calibration (fitted on its inner folds only), the
/// reliability tables, and how the domain check split the held-out clips.
/// </summary>
/// <param name="EceBefore">ECE of the raw probabilities.</param>
/// <param name="EceAfter">ECE after calibration.</param>
/// <param name="NllBefore">NLL of the raw probabilities.</param>
/// <param name="NllAfter">NLL after calibration.</param>
/// <param name="ReliabilityBefore">Reliability table of the raw probabilities.</param>
/// <param name="ReliabilityAfter">Reliability table after calibration.</param>
/// <param name="InDomainShare">Share of held-out clips the domain check passed (null without one).</param>
/// <param name="AccuracyInDomain">Accuracy on the clips it passed.</param>
/// <param name="AccuracyOutOfDomain">Accuracy on the clips it flagged.</param>
public sealed record NestedConfidence(double EceBefore, double EceAfter, double NllBefore, double NllAfter, IReadOnlyList<ReliabilityBin> ReliabilityBefore, IReadOnlyList<ReliabilityBin> ReliabilityAfter, double? InDomainShare, double? AccuracyInDomain, double? AccuracyOutOfDomain)
{
    /// <summary>
    /// A temperature fitted on the nested held-out predictions themselves, and its cross-fitted estimate; null with
    /// fewer than two outer folds.
    /// </summary>
    public NestedCalibration? CrossFitted { get; init; }
}

/// <summary>
/// Temperature scaling fitted on a nested evaluation's raw held-out predictions (every clip scored by a model that
/// never heard its speaker): <see cref="Pooled"/> is fitted on all of them and is what a model calibrated this way
/// ships; its estimate is cross-fitted, each outer fold's clips calibrated with a temperature fitted on the other
/// folds' held-out predictions only (<see cref="FoldTemperatures"/>), so a clip's own prediction and label are not among
/// the data its temperature is fitted on. (Those folds' models were trained on its speakers, as in any outer split.)
/// </summary>
/// <param name="Pooled">The temperature fitted on every held-out clip (its before/after figures are on those clips: in-sample).</param>
/// <param name="FoldTemperatures">Each outer fold's temperature (fitted without it), by fold.</param>
/// <param name="Calibrated">Each clip's cross-fitted calibrated probabilities.</param>
/// <param name="Ece">Expected calibration error of the cross-fitted probabilities: the estimate to quote.</param>
/// <param name="Nll">Their negative log-likelihood per clip.</param>
/// <param name="Reliability">Their reliability table.</param>
public sealed record NestedCalibration(ProbabilityCalibration Pooled, IReadOnlyDictionary<int, double> FoldTemperatures, IReadOnlyList<float[]> Calibrated, double Ece, double Nll, IReadOnlyList<ReliabilityBin> Reliability)
{
    /// <summary>Fits the pooled temperature and the cross-fitted estimate; null with fewer than two groups.</summary>
    /// <param name="raw">Each clip's uncalibrated held-out probabilities.</param>
    /// <param name="truth">Each clip's true label index.</param>
    /// <param name="fold">Each clip's outer fold.</param>
    public static NestedCalibration? Fit(IReadOnlyList<float[]> raw, IReadOnlyList<int> truth, IReadOnlyList<int> fold)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(fold);
        if (fold.Distinct().Count() < 2)
        {
            return null;
        }

        var (calibrated, temperatures) = CalibrationMetrics.CrossFit(raw, truth, fold);
        return new NestedCalibration(
            CalibrationMetrics.Fit(raw, truth),
            temperatures,
            calibrated,
            CalibrationMetrics.ExpectedCalibrationError(calibrated, truth),
            CalibrationMetrics.NegativeLogLikelihood(calibrated, truth),
            CalibrationMetrics.Reliability(calibrated, truth));
    }
}
