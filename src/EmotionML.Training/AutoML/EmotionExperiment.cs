using System.Diagnostics;
using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;
using Microsoft.ML;

namespace EmotionML.Training.AutoML;

/// <summary>
/// Our AutoML experiment (ML.NET's AutoML package is not used): it searches ML.NET trainers and their
/// hyper-parameters under a time budget and scores every candidate by cross-validation grouped by speaker. The
/// winner's cross-validated score is what the search maximised, so it is optimistic: <see cref="NestedEvaluation"/>
/// runs the whole search again inside outer folds for the figure to quote.
/// <para>
/// The search is cost-frugal, in the manner of FLAML's CFO and ML.NET AutoML's ECI + CFO tuners: every
/// trainer (with and without speaker normalisation) starts from a cheap, robust configuration; the next trainer
/// to try is the one with the smallest estimated cost to improve on the best score so far (its gap to the best,
/// its recent improvement per trial and a deterministic cost model); within a trainer, a randomised local search
/// walks from its best configuration (<see cref="SearchArm"/>). Scheduling uses the cost model rather than measured time, so a seed and a trial
/// count give the same leaderboard on any machine.
/// </para>
/// </summary>
public sealed class EmotionExperiment
{
    /// <summary>Creates an experiment.</summary>
    /// <param name="options">Budget, metric, folds, seed, trainers.</param>
    public EmotionExperiment(ExperimentOptions? options = null)
    {
        Options = options ?? new ExperimentOptions();
    }

    /// <summary>The settings.</summary>
    public ExperimentOptions Options { get; }

    /// <summary>Receives the CNN trainer's lines (one per epoch) and the blend's choice, when <see cref="ExperimentOptions.Cnn"/> is set.</summary>
    public IProgress<string>? Log { get; init; }

    /// <summary>
    /// Runs the search on an <see cref="IDataView"/> of pooled features: a vector column of floats (its slot names
    /// become the feature names), a string label column and a string group column (the speaker: no group is ever
    /// on both sides of a fold).
    /// </summary>
    /// <param name="data">The data.</param>
    /// <param name="featuresColumn">The feature vector column.</param>
    /// <param name="labelColumn">The label column.</param>
    /// <param name="groupColumn">The speaker (grouping) column.</param>
    /// <param name="progress">Receives every finished trial.</param>
    /// <param name="cancellationToken">Stops the search.</param>
    public ExperimentResult Run(IDataView data, string featuresColumn = "Features", string labelColumn = "Label", string groupColumn = "Speaker", IProgress<TrialResult>? progress = null, CancellationToken cancellationToken = default)
        => Run(EmotionDataset.FromDataView(data, featuresColumn, labelColumn, groupColumn), progress, cancellationToken);

    /// <summary>Runs the search, then refits the winner on all the data.</summary>
    /// <param name="data">Features and labels.</param>
    /// <param name="progress">Receives every finished trial.</param>
    /// <param name="cancellationToken">Stops the search; the best so far is refitted and returned (or, before any trial finished, the token's exception).</param>
    public ExperimentResult Run(EmotionDataset data, IProgress<TrialResult>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels.Count < 2)
        {
            throw new ArgumentException("Training needs at least two classes.", nameof(data));
        }

        if (Options.MaxTrials is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(data), Options.MaxTrials, "ExperimentOptions.MaxTrials must be at least 1 (or null for no limit).");
        }

        // Cancelled before anything ran: the documented OperationCanceledException, never an empty leaderboard.
        cancellationToken.ThrowIfCancellationRequested();
        var ml = new MLContext(Options.Seed);
        var folds = Options.FoldAssignment ?? SpeakerGroupedFolds.Balanced(data.Speakers, Options.Folds, Options.Seed);
        var validator = new CrossValidator(ml, data, folds, Options.Metric, Options.Threads, Options.EnrolmentClips, Options.Seed);
        var random = new Random(Options.Seed);
        var arms = CreateArms(data);
        var trials = new List<TrialResult>();
        var watch = Stopwatch.StartNew();
        string stopped = "time budget";
        double best = double.NegativeInfinity;
        double costUnits = 0, globalSecondsPerUnit = double.NaN;
        while (true)
        {
            if (Options.MaxTrials is { } max && trials.Count >= max)
            {
                stopped = "trial limit";
                break;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                stopped = "cancelled";
                break;
            }

            var arm = Choose(arms, best);
            var config = arm.Propose(random);
            // Honour the budget: do not start a trial that its arm's past trials say cannot finish in time.
            if (trials.Count > 0 && watch.Elapsed + arm.ExpectedDuration(config, globalSecondsPerUnit) > Options.TimeBudget)
            {
                break;
            }

            TrialResult result;
            try
            {
                result = validator.Evaluate(trials.Count + 1, config, cancellationToken);
            }
            catch (OperationCanceledException) when (trials.Count > 0)
            {
                stopped = "cancelled";
                break;
            }

            trials.Add(result);
            arm.Report(result);
            costUnits += arm.LastCostUnits;
            globalSecondsPerUnit = trials.Sum(t => t.Duration.TotalSeconds) / Math.Max(costUnits, 1e-9);
            best = Math.Max(best, result.Mean);
            progress?.Report(result);
            if (watch.Elapsed >= Options.TimeBudget && Options.MaxTrials is null)
            {
                break;
            }
        }

        var elapsed = watch.Elapsed;
        if (trials.Count == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new InvalidOperationException("No trial could run within the time budget.");
        }

        var winner = trials.OrderByDescending(t => t.Mean).ThenBy(t => t.Index).First();
        var all = Enumerable.Range(0, data.Count).ToArray();
        using var fitted = validator.Fit(winner.Config, all);
        // Calibration and the domain check come from held-out speakers only (the winner's out-of-fold predictions).
        var (calibration, domain) = validator.FitCalibrationAndDomain(winner, all);
        var model = fitted.WithCalibration(calibration, domain);
        CnnBlendResult? cnn = null;
        if (Options.Cnn is { } cnnOptions)
        {
            try
            {
                (model, cnn) = CnnBlending.Apply(data, winner, model, cnnOptions, Options.Metric, Log, cancellationToken);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }

        var metrics = ClassificationMetrics.Compute(data.Labels, data.LabelIndex, winner.OutOfFoldPredictions);
        return new ExperimentResult(trials, winner, model, metrics, folds, Options.Metric, elapsed, stopped, Options.EnrolmentClips) { Cnn = cnn };
    }

    private List<SearchArm> CreateArms(EmotionDataset data)
    {
        var trainers = (Options.Trainers is { Count: > 0 } t ? t.Distinct().Order().ToArray() : Enum.GetValues<TrainerKind>())
            .Except(Options.ExcludedTrainers ?? []).ToArray();
        if (trainers.Length == 0)
        {
            throw new ArgumentException("Every trainer is excluded: nothing to search.");
        }
        var normalization = Options.SpeakerNormalization switch
        {
            SpeakerNormalizationChoice.Always => new[] { true },
            SpeakerNormalizationChoice.Never => [false],
            _ => [true, false],
        };
        var arms = new List<SearchArm>();
        foreach (var trainer in trainers)
        {
            foreach (var norm in normalization)
            {
                arms.Add(new SearchArm(trainer, norm, data.Labels.Count, data.Count, data.Schema.Columns.Count));
            }
        }

        return arms;
    }

    /// <summary>Untried arms first (cheapest first); then the smallest estimated cost to beat the best score.</summary>
    private static SearchArm Choose(List<SearchArm> arms, double best)
    {
        var untried = arms.Where(a => a.Trials == 0).OrderBy(a => a.StartCost).FirstOrDefault();
        if (untried is not null)
        {
            return untried;
        }

        return arms.OrderBy(a => a.CostToImprove(best)).First();
    }
}
