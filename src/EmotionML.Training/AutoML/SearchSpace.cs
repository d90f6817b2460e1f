namespace EmotionML.Training.AutoML;

/// <summary>The hyper-parameters searched for each trainer, with cheap, robust starting points, and a cost model.</summary>
public static class SearchSpace
{
    /// <summary>The searched hyper-parameters of a trainer.</summary>
    public static IReadOnlyList<HyperParameter> For(TrainerKind trainer) => trainer switch
    {
        TrainerKind.LightGbm =>
        [
            new(nameof(LightGbmParameters.NumberOfIterations), 20, 600, 60, Log: true, Integer: true),
            new(nameof(LightGbmParameters.NumberOfLeaves), 4, 128, 8, Log: true, Integer: true),
            new(nameof(LightGbmParameters.LearningRate), 0.01, 0.4, 0.1, Log: true),
            new(nameof(LightGbmParameters.MinimumExampleCountPerLeaf), 2, 60, 20, Log: true, Integer: true),
            new(nameof(LightGbmParameters.L2Regularization), 1e-3, 10, 0.01, Log: true),
            new(nameof(LightGbmParameters.FeatureFraction), 0.1, 1, 0.5),
            new(nameof(LightGbmParameters.SubsampleFraction), 0.5, 1, 1),
        ],
        TrainerKind.FastTree =>
        [
            new(nameof(FastTreeParameters.NumberOfTrees), 20, 400, 40, Log: true, Integer: true),
            new(nameof(FastTreeParameters.NumberOfLeaves), 4, 64, 8, Log: true, Integer: true),
            new(nameof(FastTreeParameters.LearningRate), 0.02, 0.5, 0.2, Log: true),
            new(nameof(FastTreeParameters.MinimumExampleCountPerLeaf), 2, 50, 10, Log: true, Integer: true),
            new(nameof(FastTreeParameters.FeatureFraction), 0.1, 1, 0.5),
        ],
        TrainerKind.FastForest =>
        [
            new(nameof(FastForestParameters.NumberOfTrees), 20, 400, 50, Log: true, Integer: true),
            new(nameof(FastForestParameters.NumberOfLeaves), 4, 128, 16, Log: true, Integer: true),
            new(nameof(FastForestParameters.MinimumExampleCountPerLeaf), 2, 50, 5, Log: true, Integer: true),
            new(nameof(FastForestParameters.FeatureFraction), 0.1, 1, 0.5),
        ],
        TrainerKind.SdcaMaximumEntropy =>
        [
            new(nameof(SdcaParameters.L2Regularization), 1e-6, 1, 1e-3, Log: true),
            new(nameof(SdcaParameters.L1Regularization), 1e-6, 1, 1e-5, Log: true),
            new(nameof(SdcaParameters.MaximumNumberOfIterations), 10, 300, 30, Log: true, Integer: true),
        ],
        TrainerKind.LbfgsMaximumEntropy =>
        [
            new(nameof(LbfgsParameters.L2Regularization), 1e-4, 30, 1, Log: true),
            new(nameof(LbfgsParameters.L1Regularization), 1e-4, 30, 1, Log: true),
            new(nameof(LbfgsParameters.HistorySize), 5, 50, 20, Log: true, Integer: true),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(trainer), trainer, null),
    };

    /// <summary>The speaker-normalisation shrinkage τ searched for normalised candidates (pseudo-clips of prior).</summary>
    public static HyperParameter SpeakerShrinkage { get; } = new("SpeakerShrinkage", 0.5, 64, 8, Log: true);

    /// <summary>The starting configuration of a trainer.</summary>
    public static TrialConfig Start(TrainerKind trainer, bool speakerNormalization) =>
        new(TrainerParameters.From(trainer, For(trainer).ToDictionary(p => p.Name, p => p.Start)), speakerNormalization ? SpeakerShrinkage.Start : null);

    /// <summary>
    /// A deterministic cost estimate (arbitrary units, roughly proportional to training time) used to schedule
    /// trials, so that the same seed and trial count give the same choices whatever the machine's load.
    /// </summary>
    public static double Cost(TrialConfig c, int classes, int rows, int columns)
    {
        double scale = rows * (double)columns / 1e5;
        return c.Parameters switch
        {
            LightGbmParameters p => scale * classes * p.NumberOfIterations * (0.2 + p.FeatureFraction) * Math.Log2(2 + p.NumberOfLeaves) / 40,
            // Calibrated on RAVDESS and EmoDB runs: one-versus-all FastTree costs about 3x, FastForest about 6x, LightGBM per unit.
            FastTreeParameters p => scale * classes * p.NumberOfTrees * (0.2 + p.FeatureFraction) * Math.Log2(2 + p.NumberOfLeaves) / 12,
            FastForestParameters p => scale * classes * p.NumberOfTrees * (0.2 + p.FeatureFraction) * Math.Log2(2 + p.NumberOfLeaves) / 6,
            SdcaParameters p => scale * classes * p.MaximumNumberOfIterations / 20,
            // L-BFGS: measured at 5-7x SDCA's starting configuration per fold on RAVDESS (37-51 s for 5 folds on 2 cores).
            _ => scale * classes * 8,
        };
    }
}
