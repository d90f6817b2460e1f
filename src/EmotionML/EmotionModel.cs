using EmotionML.Features;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace EmotionML;

/// <summary>
/// A trained model: the one path from a clip's features to label probabilities. It holds the ML.NET tree
/// pipeline on the pooled vector (with its feature schema and speaker normalisation), an imported ONNX CNN on the
/// log-mel spectrogram (<see cref="Cnn"/>), or both blended (<see cref="CnnWeight"/>), the label order and the
/// calibration, and turns a clip's features (or a batch) into probabilities that sum to 1. <see cref="EmotionEngine"/> (decoding, silence, windows), cross-validation,
/// feature importance and <c>ModelEvaluator</c> all score through it, so what a report measures is what
/// <c>Predict</c> returns.
/// <para>
/// Thread-safe: ML.NET's <c>PredictionEngine</c> is not, so single-vector scoring rents one from a bounded pool
/// (created on demand, at most <see cref="MaxPooledEngines"/> kept). <see cref="Dispose"/> may race with
/// in-flight calls: they finish, and their engines are disposed rather than returned.
/// </para>
/// </summary>
public sealed class EmotionModel : IDisposable
{
    private readonly MLContext _ml;
    private readonly ITransformer? _transformer;
    private readonly PredictionEnginePool<FeatureInput, ScoreOutput>? _pool;
    private int _ownsCnn;
    private int _disposed;

    private EmotionModel(MLContext ml, ITransformer? transformer, FeatureSchema schema, IReadOnlyList<string> labels, SpeakerNormalization? normalization, ModelManifest? manifest, ProbabilityCalibration? calibration = null, DomainModel? domain = null, CnnModel? cnn = null, double cnnWeight = 0, bool ownsCnn = true, bool cnnAloneOutOfDomain = false)
    {
        if (calibration is not null && !(calibration.Temperature > 0 && double.IsFinite(calibration.Temperature)))
        {
            throw new ModelBundleException($"The calibration temperature {calibration.Temperature} is not a positive number.");
        }

        if (domain is not null && domain.Columns != schema.Columns.Count)
        {
            throw new ModelBundleException($"The domain model has {domain.Columns} columns; the feature schema has {schema.Columns.Count}.");
        }

        Calibration = calibration;
        Domain = domain;
        if (labels.Count < 2)
        {
            throw new ModelBundleException("A model needs at least two labels.");
        }

        if (normalization is not null && normalization.PriorMean.Count != schema.Columns.Count)
        {
            throw new ModelBundleException($"The speaker normalisation has {normalization.PriorMean.Count} columns; the feature schema has {schema.Columns.Count}.");
        }

        _ml = ml;
        _transformer = transformer;
        Schema = schema;
        Labels = labels;
        SpeakerNormalization = normalization;
        Manifest = manifest;
        if (transformer is null && (cnn is null || cnnWeight != 1 || normalization is not null))
        {
            throw new ModelBundleException("A model without an ML.NET pipeline must be an imported CNN alone (weight 1, no speaker normalisation).");
        }

        if (cnn is not null)
        {
            if (!(cnnWeight is > 0 and <= 1))
            {
                throw new ModelBundleException($"The CNN's blend weight {cnnWeight} is not in (0, 1].");
            }

            if (cnn.Labels.Count != labels.Count || labels.Any(l => !cnn.Labels.Contains(l)))
            {
                throw new ModelBundleException($"The CNN's labels ({string.Join(", ", cnn.Labels)}) are not the model's ({string.Join(", ", labels)}).");
            }

            Cnn = cnn;
            CnnWeight = cnnWeight;
            _ownsCnn = ownsCnn ? 1 : 0;
            CnnAloneOutOfDomain = cnnAloneOutOfDomain && transformer is not null && domain is not null && cnnWeight < 1;
        }

        if (transformer is not null)
        {
            var inputSchema = SchemaDefinition.Create(typeof(FeatureInput));
            inputSchema[nameof(FeatureInput.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, schema.Columns.Count);
            CheckScoreColumn(transformer);
            _pool = new PredictionEnginePool<FeatureInput, ScoreOutput>(() => _ml.Model.CreatePredictionEngine<FeatureInput, ScoreOutput>(transformer, ignoreMissingColumns: true, inputSchemaDefinition: inputSchema), this);
        }
    }

    /// <summary>The most prediction engines kept for reuse (more may exist while many threads score at once).</summary>
    public static int MaxPooledEngines { get; } = Math.Max(4, 2 * Environment.ProcessorCount);

    /// <summary>The labels, in the order of <see cref="PredictProbabilities(float[], SpeakerProfile?)"/>'s result.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The feature schema the model expects.</summary>
    public FeatureSchema Schema { get; }

    /// <summary>How features are normalised per speaker, or null when the model needs no speaker profile.</summary>
    public SpeakerNormalization? SpeakerNormalization { get; }

    /// <summary>The temperature scaling applied to every probability, or null.</summary>
    public ProbabilityCalibration? Calibration { get; }

    /// <summary>The out-of-domain check, or null when the model has none.</summary>
    public DomainModel? Domain { get; }

    /// <summary>Whether predictions need a <see cref="SpeakerProfile"/>.</summary>
    public bool RequiresSpeakerProfile => SpeakerNormalization is not null;

    /// <summary>The imported CNN on log-mel spectrograms, or null for a tree model alone.</summary>
    public CnnModel? Cnn { get; }

    /// <summary>The CNN's share of the blended probabilities: 0 without a CNN, 1 for the CNN alone.</summary>
    public double CnnWeight { get; }

    /// <summary>
    /// For a blend with a domain check: whether a clip the check flags (its pooled vector unlike the training data's,
    /// where the tree model extrapolates) is scored by the CNN alone, whose input is normalised per clip and band.
    /// Clips within the training data's range get the blend. False for other models.
    /// </summary>
    public bool CnnAloneOutOfDomain { get; }

    /// <summary>Whether predictions need the clip's log-mel spectrogram (computed by <see cref="CnnModel.LogMel"/>).</summary>
    public bool RequiresLogMel => Cnn is not null;

    /// <summary>Whether predictions use the pooled feature vector (false for an imported CNN alone).</summary>
    public bool UsesPooledFeatures => _transformer is not null || Domain is not null;

    /// <summary>Prediction engines waiting in the pool.</summary>
    internal int PooledEngineCount => _pool?.Count ?? 0;

    /// <summary>The context the ML.NET model lives in.</summary>
    internal MLContext Context => _ml;

    /// <summary>The fitted ML.NET pipeline, or null for an imported CNN alone.</summary>
    internal ITransformer? Transformer => _transformer;

    /// <summary>The bundle's manifest, or null for a model built in memory.</summary>
    public ModelManifest? Manifest { get; }

    /// <summary>Loads and checks a bundle file.</summary>
    /// <param name="path">The bundle.</param>
    /// <exception cref="ModelBundleException">The bundle is missing, corrupt or incompatible.</exception>
    public static EmotionModel Load(string path) => Load(ModelBundle.Load(path));

    /// <summary>Loads and checks a bundle from a stream.</summary>
    /// <param name="stream">The bundle bytes.</param>
    /// <exception cref="ModelBundleException">The bundle is corrupt or incompatible.</exception>
    public static EmotionModel Load(Stream stream) => Load(ModelBundle.Load(stream));

    /// <summary>The model of a loaded bundle.</summary>
    /// <param name="bundle">The bundle.</param>
    /// <exception cref="ModelBundleException">The ML.NET model cannot be loaded or does not match the manifest.</exception>
    public static EmotionModel Load(ModelBundle bundle) => Load(bundle, null);

    /// <summary>The model of a loaded bundle, its CNN (if any) scoring another number of test-time crops.</summary>
    /// <param name="bundle">The bundle.</param>
    /// <param name="cnnTestCrops">
    /// Crops per clip the CNN scores and averages (1 to <see cref="CnnModel.MaxTestCrops"/>); null for the count the CNN was measured and calibrated
    /// with (<see cref="CnnSidecar.TestCrops"/>). Fewer crops cost proportionally less CNN time and some accuracy.
    /// </param>
    /// <exception cref="ModelBundleException">The ML.NET model cannot be loaded or does not match the manifest.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cnnTestCrops"/> is outside 1 to <see cref="CnnModel.MaxTestCrops"/>.</exception>
    public static EmotionModel Load(ModelBundle bundle, int? cnnTestCrops)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        // Checked for every bundle: a setting that a tree model ignores is still not silently wrong.
        CnnModel.CheckTestCrops(cnnTestCrops, nameof(cnnTestCrops));
        var ml = new MLContext(0);
        var m = bundle.Manifest;
        var cnn = bundle.LoadCnn(cnnTestCrops);
        try
        {
            return new EmotionModel(ml, bundle.ModelBytes is null ? null : bundle.LoadModel(ml), m.Schema, m.Labels, m.SpeakerNormalization, m, m.Calibration, bundle.LoadDomain(), cnn, m.Cnn?.Weight ?? 0, cnnAloneOutOfDomain: m.Cnn?.CnnAloneOutOfDomain ?? false);
        }
        catch
        {
            cnn?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A model that is an imported ONNX CNN alone (a Keras or PyTorch model of yours, exported with a sidecar):
    /// the engine computes its log-mel input and scores it; the model owns <paramref name="cnn"/> from now on.
    /// </summary>
    /// <param name="cnn">The imported CNN (<see cref="CnnModel.Load(string, string?)"/>).</param>
    public static EmotionModel FromCnn(CnnModel cnn)
    {
        ArgumentNullException.ThrowIfNull(cnn);
        return new EmotionModel(new MLContext(0), null, FeatureSchema.For(FeatureOptions.Default), cnn.Labels.ToArray(), null, null, cnn: cnn, cnnWeight: 1);
    }

    /// <summary>The tree part of a blend alone (same pipeline, calibration and domain check): for measurements only, as the calibration was fitted for the blend.</summary>
    internal EmotionModel WithoutCnn() =>
        _transformer is null ? throw new InvalidOperationException("This model is an imported CNN alone: it has no tree part.")
        : new(_ml, _transformer, Schema, Labels, SpeakerNormalization, Manifest, Calibration, Domain);

    /// <summary>
    /// This model's probabilities blended with an imported CNN's: <c>(1 - weight) · model + weight · CNN</c>, then
    /// calibrated with <paramref name="calibration"/>. The CNN's labels must be the model's (in any order). The
    /// returned model owns <paramref name="cnn"/>.
    /// </summary>
    /// <param name="cnn">The CNN.</param>
    /// <param name="weight">The CNN's share, in (0, 1].</param>
    /// <param name="calibration">The blend's temperature scaling (fitted on held-out speakers), or null.</param>
    public EmotionModel WithCnn(CnnModel cnn, double weight, ProbabilityCalibration? calibration)
    {
        ArgumentNullException.ThrowIfNull(cnn);
        return new EmotionModel(_ml, _transformer, Schema, Labels, SpeakerNormalization, Manifest, calibration, Domain, cnn, weight);
    }

    /// <summary>
    /// This blend with clips its domain check flags scored by the CNN alone (<paramref name="cnnAlone"/> true) or by the
    /// blend like the others (false): the same pipeline, CNN, calibration and domain check, whose ownership moves to
    /// the returned model. Only a blend with a domain check can use the CNN alone out of domain.
    /// </summary>
    /// <param name="cnnAlone">Whether flagged clips get the CNN alone.</param>
    /// <exception cref="InvalidOperationException"><paramref name="cnnAlone"/> is true and the model is not a blend with a domain check.</exception>
    public EmotionModel WithCnnAloneOutOfDomain(bool cnnAlone)
    {
        if (cnnAlone && (Cnn is null || _transformer is null || Domain is null || CnnWeight >= 1))
        {
            throw new InvalidOperationException("Only a blend of a tree model and a CNN with a domain check can score out-of-domain clips by the CNN alone.");
        }

        return new(_ml, _transformer, Schema, Labels, SpeakerNormalization, Manifest, Calibration, Domain, Cnn, CnnWeight, Interlocked.Exchange(ref _ownsCnn, 0) != 0, cnnAlone);
    }

    /// <summary>
    /// Wraps a fitted ML.NET pipeline whose input is a <c>Features</c> vector (and an unused <c>Label</c> string)
    /// and whose output is a <c>Score</c> vector with one value per label, in label order.
    /// </summary>
    /// <param name="ml">The context the pipeline was fitted in.</param>
    /// <param name="transformer">The fitted pipeline.</param>
    /// <param name="schema">The feature schema.</param>
    /// <param name="labels">The labels in score order.</param>
    /// <param name="normalization">The speaker normalisation the pipeline was trained with, if any.</param>
    public static EmotionModel FromTransformer(MLContext ml, ITransformer transformer, FeatureSchema schema, IReadOnlyList<string> labels, SpeakerNormalization? normalization = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(transformer);
        return new EmotionModel(ml, transformer, schema, labels.ToArray(), normalization, null);
    }

    /// <summary>
    /// This model with another calibration and domain check (the same ML.NET model, shared). Training uses it to
    /// attach what it fitted on held-out speakers.
    /// </summary>
    /// <param name="calibration">The temperature scaling, or null for raw probabilities.</param>
    /// <param name="domain">The domain check, or null.</param>
    /// <remarks>The CNN, when there is one, is shared; disposing the returned model disposes it (ownership moves to it).</remarks>
    public EmotionModel WithCalibration(ProbabilityCalibration? calibration, DomainModel? domain) =>
        new(_ml, _transformer, Schema, Labels, SpeakerNormalization, Manifest, calibration, domain, Cnn, CnnWeight, Interlocked.Exchange(ref _ownsCnn, 0) != 0, CnnAloneOutOfDomain);

    /// <summary>Probabilities (calibrated), and the domain check when the model has one, for one vector.</summary>
    /// <param name="features">The pooled feature vector.</param>
    /// <param name="speaker">The speaker's profile (required when <see cref="RequiresSpeakerProfile"/>).</param>
    public ModelOutput Predict(float[] features, SpeakerProfile? speaker = null) => Predict(features, null, speaker);

    /// <summary>Probabilities (calibrated), and the domain check when the model has one, for one clip's features.</summary>
    /// <param name="features">The pooled feature vector (may be null when <see cref="UsesPooledFeatures"/> is false).</param>
    /// <param name="logMel">The clip's log-mel spectrogram from <see cref="CnnModel.LogMel"/> (required when <see cref="RequiresLogMel"/>).</param>
    /// <param name="speaker">The speaker's profile (required when <see cref="RequiresSpeakerProfile"/>).</param>
    public ModelOutput Predict(float[]? features, LogMelSpectrogram? logMel, SpeakerProfile? speaker = null)
    {
        if (Domain is not { } domain || features is null)
        {
            return new ModelOutput(Calibrate(Uncalibrated(features, logMel, speaker, inDomain: true)), null, null);
        }

        double distance = domain.Distance(features);
        bool inDomain = domain.IsInDomain(distance);
        return new ModelOutput(Calibrate(Uncalibrated(features, logMel, speaker, inDomain)), distance, inDomain);
    }

    /// <summary>A speaker's profile from label-free clips of the speaker (feature vectors).</summary>
    /// <param name="clips">The speaker's enrolment clips.</param>
    /// <exception cref="InvalidOperationException">The model does not use speaker normalisation.</exception>
    public SpeakerProfile CreateSpeakerProfile(IReadOnlyList<float[]> clips)
    {
        var normalization = SpeakerNormalization ?? throw new InvalidOperationException("This model does not use speaker normalisation: it needs no profile.");
        return normalization.CreateProfile(clips);
    }

    /// <summary>The probability of every label (in <see cref="Labels"/> order, summing to 1) for one vector.</summary>
    /// <param name="features">The pooled feature vector.</param>
    /// <param name="speaker">The speaker's profile (required when <see cref="RequiresSpeakerProfile"/>).</param>
    public float[] PredictProbabilities(float[] features, SpeakerProfile? speaker = null) => Calibrate(Uncalibrated(features, null, speaker, inDomain: true));

    /// <summary>Probabilities (calibrated) for a batch of vectors through one ML.NET transform (the same values as one by one).</summary>
    /// <param name="features">The vectors.</param>
    /// <param name="speakers">Each vector's speaker profile (null entries for a model without normalisation), or null.</param>
    /// <param name="logMels">Each clip's log-mel spectrogram (required when <see cref="RequiresLogMel"/>), or null.</param>
    public float[][] PredictProbabilities(IReadOnlyList<float[]> features, IReadOnlyList<SpeakerProfile?>? speakers = null, IReadOnlyList<LogMelSpectrogram>? logMels = null) =>
        PredictUncalibrated(features, speakers, logMels).Select(Calibrate).ToArray();

    /// <summary>The model's probabilities before calibration (what a calibration is fitted on).</summary>
    /// <param name="features">The vectors.</param>
    /// <param name="speakers">Each vector's speaker profile, or null.</param>
    /// <param name="logMels">Each clip's log-mel spectrogram (required when <see cref="RequiresLogMel"/>), or null.</param>
    public float[][] PredictUncalibrated(IReadOnlyList<float[]> features, IReadOnlyList<SpeakerProfile?>? speakers = null, IReadOnlyList<LogMelSpectrogram>? logMels = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (speakers is not null && speakers.Count != features.Count)
        {
            throw new ArgumentException("Give one speaker profile per vector.", nameof(speakers));
        }

        if (features.Count == 0)
        {
            CheckLogMels(logMels, 0);
            return [];
        }

        var (tree, cnn) = PredictComponents(features, speakers, logMels);
        return Enumerable.Range(0, features.Count).Select(i => CnnAloneOutOfDomain && !Domain!.IsInDomain(Domain.Distance(features[i])) ? cnn![i] : Blend(tree?[i], cnn?[i])).ToArray();
    }

    /// <summary>The tree pipeline's and the CNN's probabilities (uncalibrated, label order) separately; null for a part the model lacks.</summary>
    internal (float[][]? Tree, float[][]? Cnn) PredictComponents(IReadOnlyList<float[]> features, IReadOnlyList<SpeakerProfile?>? speakers, IReadOnlyList<LogMelSpectrogram>? logMels)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        CheckLogMels(logMels, features.Count);
        float[][]? tree = null;
        if (_transformer is not null && features.Count > 0)
        {
            var inputs = features.Select((f, i) => Prepare(f, speakers?[i])).ToArray();
            var view = FeatureDataView.Create(_ml, Schema, inputs, Enumerable.Repeat(Labels[0], inputs.Length).ToArray());
            tree = _ml.Data.CreateEnumerable<ScoreOutput>(_transformer.Transform(view), reuseRowObject: false).Select(r => ToProbabilities(r.Score)).ToArray();
        }

        return (_transformer is null ? null : tree ?? [], Cnn is null ? null : logMels!.Select(CnnProbabilities).ToArray());
    }

    /// <summary>The index of the largest value (the first on ties).</summary>
    /// <param name="scores">Scores or probabilities.</param>
    public static int ArgMax(IReadOnlyList<float> scores)
    {
        int best = 0;
        for (int i = 1; i < scores.Count; i++)
        {
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _pool?.Dispose();
        if (Interlocked.Exchange(ref _ownsCnn, 0) != 0)
        {
            Cnn?.Dispose();
        }
    }

    /// <summary>
    /// One clip's probabilities before calibration: the tree's, the CNN's, or their blend (the CNN's alone for a clip
    /// out of domain when <see cref="CnnAloneOutOfDomain"/>; the tree part is then not computed).
    /// </summary>
    private float[] Uncalibrated(float[]? features, LogMelSpectrogram? logMel, SpeakerProfile? speaker, bool inDomain)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        float[]? tree = null;
        if (_pool is not null && CnnWeight < 1 && (inDomain || !CnnAloneOutOfDomain))
        {
            var input = Prepare(features ?? throw new ArgumentNullException(nameof(features)), speaker);
            tree = ToProbabilities(_pool.Predict(new FeatureInput { Features = input, Label = Labels[0] }).Score);
        }

        float[]? cnn = null;
        if (Cnn is not null)
        {
            cnn = CnnProbabilities(logMel ?? throw new InvalidOperationException("This model includes a CNN on the log-mel spectrogram: pass the clip's log-mel (Cnn.LogMel.Extract) with its features, or use EmotionEngine, which computes both."));
        }

        return Blend(tree, cnn);
    }

    private float[] CnnProbabilities(LogMelSpectrogram logMel) => Cnn!.Predict(logMel, Labels);

    private float[] Blend(float[]? tree, float[]? cnn)
    {
        if (cnn is null)
        {
            return tree!;
        }

        if (tree is null || CnnWeight >= 1)
        {
            return cnn;
        }

        var p = new float[tree.Length];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = (float)((1 - CnnWeight) * tree[i] + CnnWeight * cnn[i]);
        }

        return p;
    }

    private void CheckLogMels(IReadOnlyList<LogMelSpectrogram>? logMels, int count)
    {
        if (Cnn is not null && logMels is null)
        {
            throw new InvalidOperationException("This model includes a CNN on the log-mel spectrogram: pass each clip's log-mel (Cnn.LogMel.Extract) with its features.");
        }

        if (logMels is not null && logMels.Count != count)
        {
            throw new ArgumentException("Give one log-mel spectrogram per vector.", nameof(logMels));
        }
    }

    private float[] Prepare(float[] features, SpeakerProfile? speaker)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Length != Schema.Columns.Count)
        {
            throw new ArgumentException($"The model expects {Schema.Columns.Count} features ({Schema.Name} v{Schema.Version}); got {features.Length}.", nameof(features));
        }

        if (SpeakerNormalization is null)
        {
            return features;
        }

        if (speaker is null)
        {
            throw new InvalidOperationException("This model was trained on speaker-normalised features: create a SpeakerProfile from a few other clips of the speaker (CreateSpeakerProfile) and pass it to Predict.");
        }

        return SpeakerNormalization.Apply(features, speaker);
    }

    private float[] Calibrate(float[] probabilities)
    {
        Calibration?.Apply(probabilities);
        return probabilities;
    }

    /// <summary>Softmax models already sum to 1; one-versus-all models give per-class probabilities, scaled here to sum to 1.</summary>
    private static float[] ToProbabilities(float[] raw)
    {
        var p = new float[raw.Length];
        double sum = 0;
        foreach (float v in raw)
        {
            sum += float.IsFinite(v) ? Math.Max(0, v) : 0;
        }

        for (int i = 0; i < raw.Length; i++)
        {
            p[i] = sum > 0 ? (float)((float.IsFinite(raw[i]) ? Math.Max(0, raw[i]) : 0) / sum) : 1f / raw.Length;
        }

        return p;
    }

    private void CheckScoreColumn(ITransformer transformer)
    {
        DataViewSchema output;
        try
        {
            var input = FeatureDataView.Create(_ml, Schema, [], []).Schema;
            output = transformer.GetOutputSchema(input);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new ModelBundleException($"The ML.NET model does not accept the {Schema.Columns.Count}-column feature vector of {Schema.Name} v{Schema.Version}: {ex.Message}", ex);
        }

        var score = output.GetColumnOrNull("Score");
        if (score is null || score.Value.Type is not VectorDataViewType { ItemType: NumberDataViewType } vector)
        {
            throw new ModelBundleException("The ML.NET model has no numeric Score vector column.");
        }

        if (vector.Size != Labels.Count)
        {
            throw new ModelBundleException($"The ML.NET model gives {vector.Size} scores but the manifest lists {Labels.Count} labels.");
        }
    }

    private sealed class FeatureInput
    {
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = "";
    }

    private sealed class ScoreOutput
    {
        [ColumnName("Score")]
        public float[] Score { get; set; } = [];
    }
}

/// <summary>What a model says about one clip.</summary>
/// <param name="Probabilities">Every label's probability (calibrated when the model has a calibration), in label order.</param>
/// <param name="DomainScore">The clip's distance from the training data (about 1 for typical training clips), or null without a domain model.</param>
/// <param name="InDomain">Whether that distance is within the threshold, or null without a domain model.</param>
public sealed record ModelOutput(float[] Probabilities, double? DomainScore, bool? InDomain);
