namespace EmotionML.Training.AutoML;

/// <summary>The ML.NET multiclass trainers the experiment searches.</summary>
public enum TrainerKind
{
    /// <summary>LightGBM gradient-boosted trees, multiclass.</summary>
    LightGbm,
    /// <summary>FastTree boosted trees, one-versus-all.</summary>
    FastTree,
    /// <summary>FastForest random forest, one-versus-all.</summary>
    FastForest,
    /// <summary>SDCA maximum entropy (multinomial logistic regression) on mean-variance normalised features.</summary>
    SdcaMaximumEntropy,
    /// <summary>L-BFGS maximum entropy on mean-variance normalised features.</summary>
    LbfgsMaximumEntropy,
}
