using System.Diagnostics;
using EmotionML.Features;
using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;
using Microsoft.ML;

namespace EmotionML.Training.AutoML;

/// <summary>
/// Scores candidates by cross-validation over speaker-grouped folds: no speaker is ever on both sides. Every
/// fold's model is wrapped in an <see cref="EmotionModel"/> and the held-out clips are scored through it, as the
/// engine scores them. Speaker-normalised candidates fit their population prior on the fold's training speakers
/// only and score each held-out clip with a profile from <see cref="EnrolmentClips"/> other clips of its speaker.
/// </summary>
internal sealed class CrossValidator
{
    private readonly MLContext _ml;
    private readonly EmotionDataset _data;
    private readonly SpeakerGroupedFolds _folds;
    private readonly OptimizationMetric _metric;
    private readonly int _threads;
    private readonly int _seed;
    private readonly IDataView _keys;

    public CrossValidator(MLContext ml, EmotionDataset data, SpeakerGroupedFolds folds, OptimizationMetric metric, int threads, int enrolmentClips = 8, int seed = 0)
    {
        _ml = ml;
        _data = data;
        _folds = folds;
        _metric = metric;
        _threads = threads;
        _seed = seed;
        EnrolmentClips = enrolmentClips;
        _keys = FeatureDataView.Keys(ml, data.Labels);
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

    /// <summary>Enrolment clips per held-out speaker profile (0: all of the speaker's other clips).</summary>
    public int EnrolmentClips { get; }

    public TrialResult Evaluate(int index, TrialConfig config, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var oof = new int[_data.Count];
        var probabilities = new float[_data.Count][];
        var scores = new double[_folds.Count];
        for (int k = 0; k < _folds.Count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (train, validation) = _folds.Split(k);
            using var model = Fit(config, train);
            var p = Probabilities(model, validation, EnrolmentClips);
            var predicted = p.Select(EmotionModel.ArgMax).ToArray();
            for (int j = 0; j < validation.Length; j++)
            {
                oof[validation[j]] = predicted[j];
                probabilities[validation[j]] = p[j];
            }

            scores[k] = ClassificationMetrics.Compute(_data.Labels, validation.Select(i => _data.LabelIndex[i]).ToArray(), predicted).Get(_metric);
        }

        return new TrialResult(index, config, scores, oof, watch.Elapsed, probabilities);
    }

    /// <summary>
    /// The calibration and the domain check of a trial's pipeline, from held-out speakers only: the temperature
    /// minimising the negative log-likelihood of its out-of-fold probabilities, and a domain model on all the items
    /// whose threshold lets <paramref name="coverage"/> of held-out clips pass when each fold's domain model was
    /// fitted without them.
    /// </summary>
    public (ProbabilityCalibration Calibration, DomainModel Domain) FitCalibrationAndDomain(TrialResult trial, IReadOnlyList<int> items, double coverage = 0.95)
    {
        var truth = items.Select(i => _data.LabelIndex[i]).ToArray();
        var raw = items.Select(i => trial.OutOfFoldProbabilities[i]).ToArray();
        return (CalibrationMetrics.Fit(raw, truth), DomainCheck.Fit(_data, _folds, items, coverage));
    }

    /// <summary>Fits a candidate on the given items (and their augmented copies) and wraps it as an <see cref="EmotionModel"/>.</summary>
    public EmotionModel Fit(TrialConfig config, IReadOnlyList<int> train)
    {
        var normalization = config.SpeakerShrinkage is { } tau
            ? SpeakerNormalization.Fit(train.Select(i => _data.Features[i]).ToArray(), train.Select(i => _data.Items[i].Speaker).ToArray(), tau)
            : null;
        var (features, labels, _) = TrainingRows(train, normalization);
        var view = FeatureDataView.Create(_ml, _data.Schema, features, labels);
        var transformer = PipelineFactory.Build(_ml, config, _keys, _threads).Fit(view);
        return EmotionModel.FromTransformer(_ml, transformer, _data.Schema, _data.Labels, normalization);
    }

    /// <summary>Predicted label indices of held-out clips through the model (profiles by the enrolment protocol when it needs them).</summary>
    public int[] Predict(EmotionModel model, IReadOnlyList<int> validation, int enrolmentClips) =>
        Probabilities(model, validation, enrolmentClips).Select(EmotionModel.ArgMax).ToArray();

    /// <summary>Probabilities (calibrated when the model is) of held-out clips through the model.</summary>
    public float[][] Probabilities(EmotionModel model, IReadOnlyList<int> validation, int enrolmentClips) =>
        model.PredictProbabilities(validation.Select(i => _data.Features[i]).ToArray(), Profiles(model, validation, enrolmentClips), LogMels(model, validation));

    /// <summary>Probabilities of held-out clips before the model's calibration (what calibration is measured on).</summary>
    public float[][] RawProbabilities(EmotionModel model, IReadOnlyList<int> validation, int enrolmentClips) =>
        model.PredictUncalibrated(validation.Select(i => _data.Features[i]).ToArray(), Profiles(model, validation, enrolmentClips), LogMels(model, validation));

    /// <summary>The tree part's and the CNN part's probabilities (uncalibrated) of held-out clips, for a model with both or either.</summary>
    public (float[][]? Tree, float[][]? Cnn) ComponentProbabilities(EmotionModel model, IReadOnlyList<int> validation, int enrolmentClips) =>
        model.PredictComponents(validation.Select(i => _data.Features[i]).ToArray(), Profiles(model, validation, enrolmentClips), LogMels(model, validation));

    private LogMelSpectrogram[]? LogMels(EmotionModel model, IReadOnlyList<int> items) =>
        !model.RequiresLogMel ? null
        : _data.LogMel is { } mel ? items.Select(i => (LogMelSpectrogram)mel.Spectrograms[i]).ToArray()
        : throw new InvalidOperationException("The model includes a CNN but the dataset has no log-mel spectrograms (EmotionDataset.WithLogMel).");

    /// <summary>Held-out clips' profiles by the enrolment protocol, drawn among the held-out clips of each speaker.</summary>
    private SpeakerProfile[]? Profiles(EmotionModel model, IReadOnlyList<int> validation, int enrolmentClips) =>
        EnrolmentProtocol.ProfilesFor(model, _data.Features, _data.Speakers, validation, validation, enrolmentClips, _seed);

    /// <summary>
    /// The rows a model is trained on for the given training items: their features (normalised with each training
    /// speaker's profile when <paramref name="normalization"/> is given), plus their augmented copies when the
    /// dataset has them — never copies of any other item. Returns each row's source item too.
    /// </summary>
    public (float[][] Features, string[] Labels, int[] Sources) TrainingRows(IReadOnlyList<int> train, SpeakerNormalization? normalization)
    {
        var speakers = _data.Speakers;
        var profiles = normalization is null ? null : EnrolmentProtocol.TrainingProfiles(normalization, _data.Features, speakers, train);
        float[] Prepare(float[] v, int item) => profiles is null ? v : normalization!.Apply(v, profiles[speakers[item]]);
        var augmented = _data.AugmentedFeatures.Length == 0 ? null : _data.AugmentedFeatures;
        var rows = new List<float[]>();
        var labels = new List<string>();
        var sources = new List<int>();
        foreach (int i in train)
        {
            rows.Add(Prepare(_data.Features[i], i));
            labels.Add(_data.Items[i].Label);
            sources.Add(i);
            if (augmented is not null)
            {
                foreach (var copy in augmented[i])
                {
                    rows.Add(Prepare(copy, i));
                    labels.Add(_data.Items[i].Label);
                    sources.Add(i);
                }
            }
        }

        return (rows.ToArray(), labels.ToArray(), sources.ToArray());
    }
}
