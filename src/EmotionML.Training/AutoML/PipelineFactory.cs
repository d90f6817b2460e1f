using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace EmotionML.Training.AutoML;

/// <summary>Builds the ML.NET pipeline of a <see cref="TrialConfig"/>: label to key, (normalisation), trainer, key back to label.</summary>
public static class PipelineFactory
{
    /// <summary>The feature column.</summary>
    public const string FeaturesColumn = "Features";

    /// <summary>The label column.</summary>
    public const string LabelColumn = "Label";

    /// <summary>Builds the estimator. Label keys follow <paramref name="keyData"/>'s order, so scores line up with the label set.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="config">The candidate.</param>
    /// <param name="keyData">A one-column (Label) view listing the labels in order.</param>
    /// <param name="threads">Threads for trainers whose results do not depend on thread count.</param>
    public static IEstimator<ITransformer> Build(MLContext ml, TrialConfig config, IDataView keyData, int threads)
    {
        IEstimator<ITransformer> pipeline = ml.Transforms.Conversion.MapValueToKey(LabelColumn, keyData: keyData);
        var trainers = ml.MulticlassClassification.Trainers;
        switch (config.Trainer)
        {
            case TrainerKind.LightGbm:
                pipeline = pipeline.Append(trainers.LightGbm(new LightGbmMulticlassTrainer.Options
                {
                    LabelColumnName = LabelColumn,
                    FeatureColumnName = FeaturesColumn,
                    NumberOfIterations = (int)config.Get("NumberOfIterations", 100),
                    NumberOfLeaves = (int)config.Get("NumberOfLeaves", 16),
                    LearningRate = config.Get("LearningRate", 0.1),
                    MinimumExampleCountPerLeaf = (int)config.Get("MinimumExampleCountPerLeaf", 20),
                    NumberOfThreads = threads, // LightGBM's default oversubscribes small machines many times over
                    Seed = 1,
                    Silent = true,
                    UseSoftmax = true,
                    Booster = new GradientBooster.Options
                    {
                        L2Regularization = config.Get("L2Regularization", 0.01),
                        FeatureFraction = config.Get("FeatureFraction", 1),
                        SubsampleFraction = config.Get("SubsampleFraction", 1),
                        SubsampleFrequency = config.Get("SubsampleFraction", 1) < 1 ? 1 : 0,
                    },
                }));
                break;
            case TrainerKind.FastTree:
                pipeline = pipeline.Append(trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
                {
                    NumberOfTrees = (int)config.Get("NumberOfTrees", 100),
                    NumberOfLeaves = (int)config.Get("NumberOfLeaves", 16),
                    LearningRate = config.Get("LearningRate", 0.2),
                    MinimumExampleCountPerLeaf = (int)config.Get("MinimumExampleCountPerLeaf", 10),
                    FeatureFraction = config.Get("FeatureFraction", 1),
                    NumberOfThreads = threads,
                    FeatureColumnName = FeaturesColumn,
                }), labelColumnName: LabelColumn));
                break;
            case TrainerKind.FastForest:
                pipeline = pipeline.Append(trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
                {
                    NumberOfTrees = (int)config.Get("NumberOfTrees", 100),
                    NumberOfLeaves = (int)config.Get("NumberOfLeaves", 16),
                    MinimumExampleCountPerLeaf = (int)config.Get("MinimumExampleCountPerLeaf", 5),
                    FeatureFraction = config.Get("FeatureFraction", 0.7),
                    NumberOfThreads = threads,
                    FeatureColumnName = FeaturesColumn,
                }), labelColumnName: LabelColumn));
                break;
            case TrainerKind.SdcaMaximumEntropy:
                pipeline = pipeline.Append(ml.Transforms.NormalizeMeanVariance(FeaturesColumn))
                    .Append(trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
                    {
                        LabelColumnName = LabelColumn,
                        FeatureColumnName = FeaturesColumn,
                        L2Regularization = (float)config.Get("L2Regularization", 1e-3),
                        L1Regularization = (float)config.Get("L1Regularization", 1e-5),
                        MaximumNumberOfIterations = (int)config.Get("MaximumNumberOfIterations", 30),
                        NumberOfThreads = 1, // SDCA is only reproducible on one thread
                        Shuffle = true,
                    }));
                break;
            case TrainerKind.LbfgsMaximumEntropy:
                pipeline = pipeline.Append(ml.Transforms.NormalizeMeanVariance(FeaturesColumn))
                    .Append(trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
                    {
                        LabelColumnName = LabelColumn,
                        FeatureColumnName = FeaturesColumn,
                        L2Regularization = (float)config.Get("L2Regularization", 1),
                        L1Regularization = (float)config.Get("L1Regularization", 1),
                        HistorySize = (int)config.Get("HistorySize", 20),
                        NumberOfThreads = 1,
                    }));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(config), config.Trainer, null);
        }

        return pipeline;
    }
}
