using System.Globalization;
using System.Reflection;

namespace EmotionML.Training.AutoML;

/// <summary>
/// A trainer's hyper-parameters, typed: one record per trainer, so a pipeline reads <c>p.NumberOfLeaves</c>
/// rather than a string key with a fallback. <see cref="From"/> builds one from searched values by name and rejects
/// a missing or unknown name, so a misspelled key is an error, never a silent default.
/// </summary>
public abstract record TrainerParameters
{
    /// <summary>The trainer these parameters configure.</summary>
    public abstract TrainerKind Trainer { get; }

    /// <summary>The record type holding a trainer's parameters.</summary>
    /// <param name="trainer">The trainer.</param>
    public static Type TypeOf(TrainerKind trainer) => trainer switch
    {
        TrainerKind.LightGbm => typeof(LightGbmParameters),
        TrainerKind.FastTree => typeof(FastTreeParameters),
        TrainerKind.FastForest => typeof(FastForestParameters),
        TrainerKind.SdcaMaximumEntropy => typeof(SdcaParameters),
        TrainerKind.LbfgsMaximumEntropy => typeof(LbfgsParameters),
        _ => throw new ArgumentOutOfRangeException(nameof(trainer), trainer, null),
    };

    /// <summary>Builds a trainer's parameters from values by name: every parameter must be given, and nothing else.</summary>
    /// <param name="trainer">The trainer.</param>
    /// <param name="values">Values by parameter name (integers are rounded).</param>
    /// <exception cref="ArgumentException">A parameter is missing or a name is unknown.</exception>
    public static TrainerParameters From(TrainerKind trainer, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var type = TypeOf(trainer);
        var constructor = type.GetConstructors().Single();
        var parameters = constructor.GetParameters();
        var unknown = values.Keys.Except(parameters.Select(p => p.Name!), StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"{trainer} has no hyper-parameter {string.Join(", ", unknown)} (it has {string.Join(", ", parameters.Select(p => p.Name))}).", nameof(values));
        }

        var args = parameters.Select(p =>
        {
            if (!values.TryGetValue(p.Name!, out double v))
            {
                throw new ArgumentException($"{trainer} needs a value for {p.Name}.", nameof(values));
            }

            return p.ParameterType == typeof(int) ? (object)(int)Math.Round(v) : v;
        }).ToArray();
        return (TrainerParameters)constructor.Invoke(args);
    }

    /// <summary>The values by name (for reports and the bundle's manifest).</summary>
    public IReadOnlyDictionary<string, double> ToDictionary() => GetType().GetConstructors().Single().GetParameters()
        .ToDictionary(p => p.Name!, p => Convert.ToDouble(GetType().GetProperty(p.Name!, BindingFlags.Public | BindingFlags.Instance)!.GetValue(this), CultureInfo.InvariantCulture));

    /// <inheritdoc />
    public sealed override string ToString() => string.Join(", ", ToDictionary().OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.ToString("G4", CultureInfo.InvariantCulture)}"));
}

/// <summary>LightGBM (softmax multiclass).</summary>
/// <param name="NumberOfIterations">Boosting rounds.</param>
/// <param name="NumberOfLeaves">Leaves per tree.</param>
/// <param name="LearningRate">Shrinkage of each tree.</param>
/// <param name="MinimumExampleCountPerLeaf">Smallest leaf.</param>
/// <param name="L2Regularization">L2 penalty on leaf values.</param>
/// <param name="FeatureFraction">Features sampled per tree.</param>
/// <param name="SubsampleFraction">Rows sampled per tree (bagging when below 1).</param>
public sealed record LightGbmParameters(int NumberOfIterations, int NumberOfLeaves, double LearningRate, int MinimumExampleCountPerLeaf, double L2Regularization, double FeatureFraction, double SubsampleFraction) : TrainerParameters
{
    /// <inheritdoc />
    public override TrainerKind Trainer => TrainerKind.LightGbm;
}

/// <summary>FastTree gradient boosting, one-versus-all.</summary>
/// <param name="NumberOfTrees">Trees per class.</param>
/// <param name="NumberOfLeaves">Leaves per tree.</param>
/// <param name="LearningRate">Shrinkage of each tree.</param>
/// <param name="MinimumExampleCountPerLeaf">Smallest leaf.</param>
/// <param name="FeatureFraction">Features sampled per tree.</param>
public sealed record FastTreeParameters(int NumberOfTrees, int NumberOfLeaves, double LearningRate, int MinimumExampleCountPerLeaf, double FeatureFraction) : TrainerParameters
{
    /// <inheritdoc />
    public override TrainerKind Trainer => TrainerKind.FastTree;
}

/// <summary>FastForest random forest, one-versus-all.</summary>
/// <param name="NumberOfTrees">Trees per class.</param>
/// <param name="NumberOfLeaves">Leaves per tree.</param>
/// <param name="MinimumExampleCountPerLeaf">Smallest leaf.</param>
/// <param name="FeatureFraction">Features sampled per tree.</param>
public sealed record FastForestParameters(int NumberOfTrees, int NumberOfLeaves, int MinimumExampleCountPerLeaf, double FeatureFraction) : TrainerParameters
{
    /// <inheritdoc />
    public override TrainerKind Trainer => TrainerKind.FastForest;
}

/// <summary>SDCA maximum entropy on standardised features.</summary>
/// <param name="L2Regularization">L2 penalty.</param>
/// <param name="L1Regularization">L1 penalty.</param>
/// <param name="MaximumNumberOfIterations">Passes over the data.</param>
public sealed record SdcaParameters(double L2Regularization, double L1Regularization, int MaximumNumberOfIterations) : TrainerParameters
{
    /// <inheritdoc />
    public override TrainerKind Trainer => TrainerKind.SdcaMaximumEntropy;
}

/// <summary>L-BFGS maximum entropy on standardised features.</summary>
/// <param name="L2Regularization">L2 penalty.</param>
/// <param name="L1Regularization">L1 penalty.</param>
/// <param name="HistorySize">L-BFGS memory.</param>
public sealed record LbfgsParameters(double L2Regularization, double L1Regularization, int HistorySize) : TrainerParameters
{
    /// <inheritdoc />
    public override TrainerKind Trainer => TrainerKind.LbfgsMaximumEntropy;
}
