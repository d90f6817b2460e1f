namespace EmotionML.Training.AutoML;

/// <summary>The hyper-parameters searched for each trainer, with cheap, robust starting points, and a cost model.</summary>
public static class SearchSpace
{
    /// <summary>The searched hyper-parameters of a trainer.</summary>
    public static IReadOnlyList<HyperParameter> For(TrainerKind trainer) => trainer switch
    {
        TrainerKind.LightGbm =>
        [
            new("NumberOfIterations", 20, 600, 60, Log: true, Integer: true),
            new("NumberOfLeaves", 4, 128, 8, Log: true, Integer: true),
            new("LearningRate", 0.01, 0.4, 0.1, Log: true),
            new("MinimumExampleCountPerLeaf", 2, 60, 20, Log: true, Integer: true),
            new("L2Regularization", 1e-3, 10, 0.01, Log: true),
            new("FeatureFraction", 0.1, 1, 0.5),
            new("SubsampleFraction", 0.5, 1, 1),
        ],
        TrainerKind.FastTree =>
        [
            new("NumberOfTrees", 20, 400, 40, Log: true, Integer: true),
            new("NumberOfLeaves", 4, 64, 8, Log: true, Integer: true),
            new("LearningRate", 0.02, 0.5, 0.2, Log: true),
            new("MinimumExampleCountPerLeaf", 2, 50, 10, Log: true, Integer: true),
            new("FeatureFraction", 0.1, 1, 0.5),
        ],
        TrainerKind.FastForest =>
        [
            new("NumberOfTrees", 20, 400, 50, Log: true, Integer: true),
            new("NumberOfLeaves", 4, 128, 16, Log: true, Integer: true),
            new("MinimumExampleCountPerLeaf", 2, 50, 5, Log: true, Integer: true),
            new("FeatureFraction", 0.1, 1, 0.5),
        ],
        TrainerKind.SdcaMaximumEntropy =>
        [
            new("L2Regularization", 1e-6, 1, 1e-3, Log: true),
            new("L1Regularization", 1e-6, 1, 1e-5, Log: true),
            new("MaximumNumberOfIterations", 10, 300, 30, Log: true, Integer: true),
        ],
        TrainerKind.LbfgsMaximumEntropy =>
        [
            new("L2Regularization", 1e-4, 30, 1, Log: true),
            new("L1Regularization", 1e-4, 30, 1, Log: true),
            new("HistorySize", 5, 50, 20, Log: true, Integer: true),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(trainer), trainer, null),
    };

    /// <summary>The starting configuration of a trainer.</summary>
    public static TrialConfig Start(TrainerKind trainer, bool speakerNormalization) =>
        new(trainer, For(trainer).ToDictionary(p => p.Name, p => p.Start), speakerNormalization);

    /// <summary>
    /// A deterministic cost estimate (arbitrary units, roughly proportional to training time) used to schedule
    /// trials, so that the same seed and trial count give the same choices whatever the machine's load.
    /// </summary>
    public static double Cost(TrialConfig c, int classes, int rows, int columns)
    {
        double scale = rows * (double)columns / 1e5;
        return c.Trainer switch
        {
            TrainerKind.LightGbm => scale * classes * c.Get("NumberOfIterations", 100) * (0.2 + c.Get("FeatureFraction", 1)) * Math.Log2(2 + c.Get("NumberOfLeaves", 16)) / 40,
            // Calibrated on RAVDESS and EmoDB runs: one-versus-all FastTree costs about 3x, FastForest about 6x, LightGBM per unit.
            TrainerKind.FastTree => scale * classes * c.Get("NumberOfTrees", 100) * (0.2 + c.Get("FeatureFraction", 1)) * Math.Log2(2 + c.Get("NumberOfLeaves", 16)) / 12,
            TrainerKind.FastForest => scale * classes * c.Get("NumberOfTrees", 100) * (0.2 + c.Get("FeatureFraction", 1)) * Math.Log2(2 + c.Get("NumberOfLeaves", 16)) / 6,
            TrainerKind.SdcaMaximumEntropy => scale * classes * c.Get("MaximumNumberOfIterations", 30) / 20,
            _ => scale * classes * 3,
        };
    }
}
