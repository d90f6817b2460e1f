using System.Diagnostics;
using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;
using Microsoft.ML;

namespace EmotionML.Training.AutoML;

/// <summary>Scores candidates by cross-validation over speaker-grouped folds: no speaker is ever on both sides.</summary>
internal sealed class CrossValidator
{
    private readonly MLContext _ml;
    private readonly EmotionDataset _data;
    private readonly SpeakerGroupedFolds _folds;
    private readonly OptimizationMetric _metric;
    private readonly int _threads;
    private readonly IDataView _keys;
    private readonly Lazy<float[][]> _normalized;
    private readonly Lazy<float[][][]> _normalizedAugmented;

    public CrossValidator(MLContext ml, EmotionDataset data, SpeakerGroupedFolds folds, OptimizationMetric metric, int threads)
    {
        _ml = ml;
        _data = data;
        _folds = folds;
        _metric = metric;
        _threads = threads;
        _keys = FeatureDataView.Keys(ml, data.Labels);
        _normalized = new Lazy<float[][]>(() => SpeakerNormalizer.Normalize(data.Features, data.Speakers));
        _normalizedAugmented = new Lazy<float[][][]>(() => NormalizeAugmented(data));
        var speakers = data.Speakers;
        for (int k = 0; k < folds.Count; k++)
        {
            var (train, validation) = folds.Split(k);
            var held = validation.Select(i => speakers[i]).ToHashSet();
            if (train.Any(i => held.Contains(speakers[i])))
            {
                throw new InvalidOperationException($"Fold {k} has a speaker on both sides.");
            }
        }
    }

    public IDataView Keys => _keys;

    public float[][] FeaturesFor(bool speakerNormalization) => speakerNormalization ? _normalized.Value : _data.Features;

    public TrialResult Evaluate(int index, TrialConfig config, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var features = FeaturesFor(config.SpeakerNormalization);
        var oof = new int[_data.Count];
        var scores = new double[_folds.Count];
        for (int k = 0; k < _folds.Count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (train, validation) = _folds.Split(k);
            var (trainFeatures, trainLabels, _) = TrainingRows(train, config.SpeakerNormalization);
            var model = Fit(config, trainFeatures, trainLabels);
            var predicted = Predict(model, validation.Select(i => features[i]).ToArray());
            for (int j = 0; j < validation.Length; j++)
            {
                oof[validation[j]] = predicted[j];
            }

            scores[k] = ClassificationMetrics.Compute(_data.Labels, validation.Select(i => _data.LabelIndex[i]).ToArray(), predicted).Get(_metric);
        }

        return new TrialResult(index, config, scores, oof, watch.Elapsed);
    }

    /// <summary>
    /// The rows a model is trained on for the given training items: their features, plus their augmented copies
    /// when the dataset has them — never copies of any other item. Returns each row's source item too.
    /// </summary>
    public (float[][] Features, string[] Labels, int[] Sources) TrainingRows(IReadOnlyList<int> train, bool speakerNormalization)
    {
        var features = FeaturesFor(speakerNormalization);
        var augmented = _data.AugmentedFeatures.Length == 0 ? null : speakerNormalization ? _normalizedAugmented.Value : _data.AugmentedFeatures;
        var rows = new List<float[]>();
        var labels = new List<string>();
        var sources = new List<int>();
        foreach (int i in train)
        {
            rows.Add(features[i]);
            labels.Add(_data.Items[i].Label);
            sources.Add(i);
            if (augmented is not null)
            {
                foreach (var copy in augmented[i])
                {
                    rows.Add(copy);
                    labels.Add(_data.Items[i].Label);
                    sources.Add(i);
                }
            }
        }

        return (rows.ToArray(), labels.ToArray(), sources.ToArray());
    }

    /// <summary>Augmented copies standardised with the statistics of their speaker's original clips.</summary>
    private static float[][][] NormalizeAugmented(EmotionDataset data)
    {
        var result = new float[data.Count][][];
        foreach (var group in Enumerable.Range(0, data.Count).GroupBy(i => data.Items[i].Speaker))
        {
            var stats = SpeakerNormalizer.Statistics(group.Select(i => data.Features[i]).ToArray());
            foreach (int i in group)
            {
                result[i] = data.AugmentedFeatures[i].Select(v => SpeakerNormalizer.Apply(v, stats)).ToArray();
            }
        }

        return result;
    }

    public ITransformer Fit(TrialConfig config, float[][] features, string[] labels)
    {
        var view = FeatureDataView.Create(_ml, _data.Schema, features, labels);
        return PipelineFactory.Build(_ml, config, _keys, _threads).Fit(view);
    }

    public int[] Predict(ITransformer model, float[][] features) =>
        ModelScorer.Score(_ml, model, _data.Schema, features, _data.Labels[0]).Select(s => ModelScorer.ArgMax(s)).ToArray();

    public MLContext Context => _ml;

    public DataViewSchema InputSchema => FeatureDataView.Create(_ml, _data.Schema, [_data.Features[0]], [_data.Labels[0]]).Schema;
}
