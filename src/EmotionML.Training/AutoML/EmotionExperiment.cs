using System.Diagnostics;
using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;
using Microsoft.ML;

namespace EmotionML.Training.AutoML;

/// <summary>
/// Our AutoML experiment (ML.NET's AutoML package is not used): it searches ML.NET trainers and their
/// hyper-parameters under a time budget and scores every candidate by cross-validation grouped by speaker, so
/// the estimate is of how the model does on voices it has never heard.
/// <para>
/// The search is cost-frugal, in the manner of FLAML's CFO and ML.NET AutoML's ECI + CFO tuners: every
/// trainer (with and without speaker normalisation) starts from a cheap, robust configuration; the next trainer
/// to try is the one with the smallest estimated cost to improve on the best score so far (its gap to the best,
/// its recent improvement per trial and a deterministic cost model); within a trainer, a randomised local search
/// walks from its best configuration (a step along a random direction, then the opposite one, halving the step
/// after repeated failures). Scheduling uses the cost model rather than measured time, so a seed and a trial
/// count give the same leaderboard on any machine.
/// </para>
/// </summary>
public sealed class EmotionExperiment
{
    private const double Epsilon = 0.005;

    /// <summary>Creates an experiment.</summary>
    /// <param name="options">Budget, metric, folds, seed, trainers.</param>
    public EmotionExperiment(ExperimentOptions? options = null)
    {
        Options = options ?? new ExperimentOptions();
    }

    /// <summary>The settings.</summary>
    public ExperimentOptions Options { get; }

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

        var ml = new MLContext(Options.Seed);
        var folds = Options.FoldAssignment ?? SpeakerGroupedFolds.Balanced(data.Speakers, Options.Folds, Options.Seed);
        var validator = new CrossValidator(ml, data, folds, Options.Metric, Options.Threads);
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
        var winner = trials.OrderByDescending(t => t.Mean).ThenBy(t => t.Index).First();
        var (features, labels, _) = validator.TrainingRows(Enumerable.Range(0, data.Count).ToArray(), winner.Config.SpeakerNormalization);
        var model = validator.Fit(winner.Config, features, labels);
        var metrics = ClassificationMetrics.Compute(data.Labels, data.LabelIndex, winner.OutOfFoldPredictions);
        return new ExperimentResult(trials, winner, model, metrics, folds, Options.Metric, elapsed, stopped, validator.Context, validator.InputSchema);
    }

    private List<Arm> CreateArms(EmotionDataset data)
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
        var arms = new List<Arm>();
        foreach (var trainer in trainers)
        {
            foreach (var norm in normalization)
            {
                arms.Add(new Arm(trainer, norm, data.Labels.Count, data.Count, data.Schema.Columns.Count));
            }
        }

        return arms;
    }

    /// <summary>Untried arms first (cheapest first); then the smallest estimated cost to beat the best score.</summary>
    private static Arm Choose(List<Arm> arms, double best)
    {
        var untried = arms.Where(a => a.Trials == 0).OrderBy(a => a.StartCost).FirstOrDefault();
        if (untried is not null)
        {
            return untried;
        }

        return arms.OrderBy(a => a.CostToImprove(best)).First();
    }

    /// <summary>One trainer (with or without speaker normalisation) and its local search state.</summary>
    private sealed class Arm
    {
        private readonly IReadOnlyList<HyperParameter> _space;
        private readonly int _classes, _rows, _columns;
        private double[] _incumbent;
        private double[]? _direction;
        private bool _tryOpposite;
        private double _step;
        private int _failures;
        private double _lastCostUnits;
        private double _secondsPerUnit = double.NaN;

        public Arm(TrainerKind trainer, bool speakerNormalization, int classes, int rows, int columns)
        {
            Trainer = trainer;
            SpeakerNormalization = speakerNormalization;
            _space = SearchSpace.For(trainer);
            _classes = classes;
            _rows = rows;
            _columns = columns;
            _incumbent = _space.Select(p => p.ToUnit(p.Start)).ToArray();
            _step = 0.1 * Math.Sqrt(_space.Count);
            StartCost = SearchSpace.Cost(SearchSpace.Start(trainer, speakerNormalization), classes, rows, columns);
        }

        public TrainerKind Trainer { get; }

        public bool SpeakerNormalization { get; }

        public double StartCost { get; }

        public int Trials { get; private set; }

        public double Best { get; private set; } = double.NegativeInfinity;

        /// <summary>Expected improvement of the next trial (decays when trials fail to improve).</summary>
        public double Momentum { get; private set; } = 0.05;

        public double MeanCost { get; private set; }

        public double CostToImprove(double globalBest)
        {
            double gap = Math.Max(0, globalBest - Best) + Epsilon;
            return MeanCost * gap / Math.Max(Momentum, 1e-4);
        }

        public double LastCostUnits => _lastCostUnits;

        /// <summary>This arm's seconds per cost unit so far, or (before its first trial) the experiment's.</summary>
        public TimeSpan ExpectedDuration(TrialConfig config, double globalSecondsPerUnit)
        {
            double rate = double.IsNaN(_secondsPerUnit) ? globalSecondsPerUnit : _secondsPerUnit;
            return double.IsNaN(rate) ? TimeSpan.Zero : TimeSpan.FromSeconds(rate * SearchSpace.Cost(config, _classes, _rows, _columns));
        }

        public TrialConfig Propose(Random random)
        {
            double[] point;
            if (Trials == 0)
            {
                point = _incumbent;
            }
            else if (_tryOpposite && _direction is not null)
            {
                point = _incumbent.Select((x, i) => Math.Clamp(x - _step * _direction[i], 0, 1)).ToArray();
            }
            else
            {
                _direction = RandomDirection(random, _space.Count);
                point = _incumbent.Select((x, i) => Math.Clamp(x + _step * _direction[i], 0, 1)).ToArray();
            }

            _pending = point;
            var parameters = _space.Select((p, i) => (p.Name, Value: p.FromUnit(point[i]))).ToDictionary(x => x.Name, x => x.Value);
            var config = new TrialConfig(Trainer, parameters, SpeakerNormalization);
            _lastCostUnits = SearchSpace.Cost(config, _classes, _rows, _columns);
            return config;
        }

        private double[]? _pending;

        public void Report(TrialResult result)
        {
            Trials++;
            MeanCost += (_lastCostUnits - MeanCost) / Trials;
            double seconds = result.Duration.TotalSeconds / Math.Max(_lastCostUnits, 1e-9);
            _secondsPerUnit = double.IsNaN(_secondsPerUnit) ? seconds : 0.5 * (_secondsPerUnit + seconds);
            if (result.Mean > Best)
            {
                double gain = double.IsNegativeInfinity(Best) ? 0.05 : result.Mean - Best;
                Momentum = Math.Max(gain, 0.5 * Momentum);
                Best = result.Mean;
                _incumbent = _pending!;
                _tryOpposite = false;
                _failures = 0;
                return;
            }

            Momentum *= 0.7;
            if (!_tryOpposite && Trials > 1)
            {
                _tryOpposite = true;
                return;
            }

            _tryOpposite = false;
            if (++_failures >= 2)
            {
                _failures = 0;
                _step *= 0.5;
                if (_step < 0.02)
                {
                    _step = 0.1 * Math.Sqrt(_space.Count); // restart the walk with a fresh, wide step
                }
            }

        }

        private static double[] RandomDirection(Random random, int dimensions)
        {
            var d = new double[dimensions];
            double norm = 0;
            for (int i = 0; i < dimensions; i++)
            {
                // Box-Muller normal sample: isotropic directions.
                double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
                d[i] = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                norm += d[i] * d[i];
            }

            norm = Math.Sqrt(norm);
            for (int i = 0; i < dimensions; i++)
            {
                d[i] /= norm;
            }

            return d;
        }
    }
}
