using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace EmotionML.Training.AutoML;

/// <summary>Builds the ML.NET pipeline of a <see cref="TrialConfig"/>: label to key, (standardisation), trainer.</summary>
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
        switch (config.Parameters)
        {
            case LightGbmParameters p:
                pipeline = pipeline.Append(trainers.LightGbm(new LightGbmMulticlassTrainer.Options
                {
                    LabelColumnName = LabelColumn,
                    FeatureColumnName = FeaturesColumn,
                    NumberOfIterations = p.NumberOfIterations,
                    NumberOfLeaves = p.NumberOfLeaves,
                    LearningRate = p.LearningRate,
                    MinimumExampleCountPerLeaf = p.MinimumExampleCountPerLeaf,
                    NumberOfThreads = threads, // LightGBM's default oversubscribes small machines many times over
                    Seed = 1,
                    Silent = true,
                    UseSoftmax = true,
                    Booster = new GradientBooster.Options
                    {
                        L2Regularization = p.L2Regularization,
                        FeatureFraction = p.FeatureFraction,
                        SubsampleFraction = p.SubsampleFraction,
                        SubsampleFrequency = p.SubsampleFraction < 1 ? 1 : 0,
                    },
                }));
                break;
            case FastTreeParameters p:
                pipeline = pipeline.Append(trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
                {
                    NumberOfTrees = p.NumberOfTrees,
                    NumberOfLeaves = p.NumberOfLeaves,
                    LearningRate = p.LearningRate,
                    MinimumExampleCountPerLeaf = p.MinimumExampleCountPerLeaf,
                    FeatureFraction = p.FeatureFraction,
                    NumberOfThreads = threads,
                    FeatureColumnName = FeaturesColumn,
                }), labelColumnName: LabelColumn));
                break;
            case FastForestParameters p:
                pipeline = pipeline.Append(trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
                {
                    NumberOfTrees = p.NumberOfTrees,
                    NumberOfLeaves = p.NumberOfLeaves,
                    MinimumExampleCountPerLeaf = p.MinimumExampleCountPerLeaf,
                    FeatureFraction = p.FeatureFraction,
                    NumberOfThreads = threads,
                    FeatureColumnName = FeaturesColumn,
                }), labelColumnName: LabelColumn));
                break;
            case SdcaParameters p:
                pipeline = pipeline.Append(ml.Transforms.NormalizeMeanVariance(FeaturesColumn))
                    .Append(trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
                    {
                        LabelColumnName = LabelColumn,
                        FeatureColumnName = FeaturesColumn,
                        L2Regularization = (float)p.L2Regularization,
                        L1Regularization = (float)p.L1Regularization,
                        MaximumNumberOfIterations = p.MaximumNumberOfIterations,
                        NumberOfThreads = 1, // SDCA is only reproducible on one thread
                        Shuffle = true,
                    }));
                break;
            case LbfgsParameters p:
                pipeline = pipeline.Append(ml.Transforms.NormalizeMeanVariance(FeaturesColumn))
                    .Append(trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
                    {
                        LabelColumnName = LabelColumn,
                        FeatureColumnName = FeaturesColumn,
                        L2Regularization = (float)p.L2Regularization,
                        L1Regularization = (float)p.L1Regularization,
                        HistorySize = p.HistorySize,
                        NumberOfThreads = 1,
                    }));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(config), config.Trainer, null);
        }

        return pipeline;
    }
}
