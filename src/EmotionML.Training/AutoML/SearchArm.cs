namespace EmotionML.Training.AutoML;

/// <summary>
/// One arm of the search: a trainer (with or without speaker normalisation) and its local search state. It starts
/// from the trainer's cheap configuration; then a step along a random direction, then the opposite one, halving the
/// step after repeated failures (CFO-style); it reports the expected cost to improve on the best score so far.
/// </summary>
/// <summary>One trainer (with or without speaker normalisation) and its local search state.</summary>
internal sealed class SearchArm
{
    private readonly IReadOnlyList<HyperParameter> _space;
    private readonly IReadOnlyList<HyperParameter> _trainerSpace;
    private readonly int _classes, _rows, _columns;
    private double[] _incumbent;
    private double[]? _direction;
    private bool _tryOpposite;
    private double _step;
    private int _failures;
    private double _lastCostUnits;
    private double _secondsPerUnit = double.NaN;

    public SearchArm(TrainerKind trainer, bool speakerNormalization, int classes, int rows, int columns)
    {
        Trainer = trainer;
        SpeakerNormalization = speakerNormalization;
        // The trainer's hyper-parameters, then (for normalised arms) the speaker-normalisation shrinkage τ.
        _trainerSpace = SearchSpace.For(trainer);
        _space = speakerNormalization ? [.. _trainerSpace, SearchSpace.SpeakerShrinkage] : _trainerSpace;
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
        double gap = Math.Max(0, globalBest - Best) + 0.005;
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
        var values = _trainerSpace.Select((p, i) => (p.Name, Value: p.FromUnit(point[i]))).ToDictionary(x => x.Name, x => x.Value);
        double? shrinkage = SpeakerNormalization ? _space[^1].FromUnit(point[^1]) : null;
        var config = new TrialConfig(TrainerParameters.From(Trainer, values), shrinkage);
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
