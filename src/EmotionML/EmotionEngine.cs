using System.Collections.Concurrent;
using EmotionML.Audio;
using EmotionML.Features;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace EmotionML;

/// <summary>
/// Recognises the emotion in speech: <c>engine.Predict(stream)</c>. Loads a model bundle (a file, a stream, or
/// the default model embedded in this package), decodes any supported audio, computes exactly the features the
/// model was trained on, and returns the probability of every label.
/// <para>
/// One instance is safe to share across threads: ML.NET's <c>PredictionEngine</c> is not, so the engine keeps
/// a pool of them (one per concurrent caller, created on demand, reused afterwards); feature extraction is
/// thread-safe by itself. Many threads predicting at once get exactly the results of predicting one by one.
/// </para>
/// </summary>
public sealed class EmotionEngine : IDisposable
{
    /// <summary>The name of the embedded default model resource.</summary>
    public const string DefaultModelResource = "EmotionML.default.emlmodel";

    private readonly MLContext _ml = new(0);
    private readonly ITransformer _model;
    private readonly SpeechFeatureExtractor _extractor;
    private readonly AudioDecoder _decoder;
    private readonly ConcurrentBag<PredictionEngine<FeatureInput, ScoreOutput>> _pool = new();
    private readonly ConcurrentDictionary<int, PolyphaseResampler> _resamplers = new();
    private readonly SchemaDefinition _inputSchema;
    private readonly EngineOptions _options;
    private bool _disposed;

    private EmotionEngine(ModelBundle bundle, EngineOptions? options)
    {
        Bundle = bundle;
        _options = options ?? new EngineOptions();
        _model = bundle.LoadModel(_ml);
        _extractor = new SpeechFeatureExtractor(bundle.Manifest.FeatureOptions);
        _decoder = new AudioDecoder(_options.Audio);
        _inputSchema = SchemaDefinition.Create(typeof(FeatureInput));
        _inputSchema[nameof(FeatureInput.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, _extractor.Schema.Columns.Count);
        Labels = bundle.Manifest.Labels;
    }

    /// <summary>The bundle the engine runs.</summary>
    public ModelBundle Bundle { get; }

    /// <summary>The labels the model predicts, in score order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Whether the model expects speaker-normalised features (then pass a <see cref="SpeakerProfile"/>).</summary>
    public bool RequiresSpeakerProfile => Bundle.Manifest.SpeakerNormalization;

    /// <summary>Loads a bundle file.</summary>
    /// <param name="path">The bundle.</param>
    /// <param name="options">Engine settings.</param>
    public static EmotionEngine Load(string path, EngineOptions? options = null) => new(ModelBundle.Load(path), options);

    /// <summary>Loads a bundle from a stream.</summary>
    /// <param name="stream">The bundle bytes.</param>
    /// <param name="options">Engine settings.</param>
    public static EmotionEngine Load(Stream stream, EngineOptions? options = null) => new(ModelBundle.Load(stream), options);

    /// <summary>Loads the default model embedded in this package (RAVDESS, 8 classes; see the package README for its accuracy).</summary>
    /// <param name="options">Engine settings.</param>
    public static EmotionEngine LoadDefault(EngineOptions? options = null)
    {
        using var stream = typeof(EmotionEngine).Assembly.GetManifestResourceStream(DefaultModelResource)
            ?? throw new ModelBundleException("The default model is not embedded in this build of EmotionML.");
        return Load(stream, options);
    }

    /// <summary>Recognises the emotion in encoded audio (WAV, MP3, Ogg Vorbis; FLAC/M4A/Opus with ffmpeg).</summary>
    /// <param name="audio">The audio; read to its end, left open.</param>
    /// <param name="speaker">The speaker's profile, required by speaker-normalised models.</param>
    /// <exception cref="AudioDecodeException">The audio cannot be decoded.</exception>
    /// <exception cref="SilentAudioException">The clip is empty or silent.</exception>
    public EmotionPrediction Predict(Stream audio, SpeakerProfile? speaker = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var clip = _decoder.Decode(audio);
        return Predict(clip.Samples, clip.SampleRate, speaker);
    }

    /// <summary>Recognises the emotion in mono samples at any rate (resampled to the model's rate).</summary>
    /// <param name="samples">Mono samples in [-1, 1].</param>
    /// <param name="sampleRate">Their rate.</param>
    /// <param name="speaker">The speaker's profile, required by speaker-normalised models.</param>
    public EmotionPrediction Predict(ReadOnlySpan<float> samples, int sampleRate, SpeakerProfile? speaker = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var vector = Features(samples, sampleRate);
        if (RequiresSpeakerProfile)
        {
            if (speaker is null)
            {
                throw new InvalidOperationException("This model was trained on speaker-normalised features: create a SpeakerProfile from a few clips of the speaker (CreateSpeakerProfile) and pass it to Predict.");
            }

            vector = SpeakerNormalizer.Apply(vector, (speaker.Mean, speaker.Std));
        }

        var scores = Score(vector);
        // Softmax models already sum to 1; one-versus-all models give per-class probabilities, scaled here to sum to 1.
        float sum = 0;
        foreach (float v in scores)
        {
            sum += Math.Max(0, v);
        }

        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = sum > 0 ? Math.Max(0, scores[i]) / sum : 1f / scores.Length;
        }

        int best = ModelScorer.ArgMax(scores);
        var map = new Dictionary<string, float>(Labels.Count);
        for (int i = 0; i < Labels.Count; i++)
        {
            map[Labels[i]] = scores[i];
        }

        return new EmotionPrediction(Labels[best], scores[best], map, TimeSpan.FromSeconds((double)samples.Length / sampleRate), Labels);
    }

    /// <summary>
    /// A timeline of emotions over sliding windows of a long recording, skipping silent windows. The audio is
    /// decoded incrementally as the sequence is enumerated: only one window is held in memory, whatever the
    /// recording's length. Keep <paramref name="audio"/> open until the enumeration ends.
    /// </summary>
    /// <param name="audio">The recording.</param>
    /// <param name="options">Window, hop and silence settings.</param>
    /// <param name="speaker">The speaker's profile, if the model needs one.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    public IEnumerable<EmotionSegment> PredictSegments(Stream audio, SegmentOptions? options = null, SpeakerProfile? speaker = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(audio);
        options ??= new SegmentOptions();
        if (options.Hop <= TimeSpan.Zero || options.WindowLength < options.Hop)
        {
            throw new ArgumentException("The hop must be positive and no longer than the window.", nameof(options));
        }

        return Segments(audio, options, speaker, cancellationToken);
    }

    private IEnumerable<EmotionSegment> Segments(Stream audio, SegmentOptions options, SpeakerProfile? speaker, CancellationToken cancellationToken)
    {
        using var reader = _decoder.OpenRead(audio, leaveOpen: true);
        int rate = reader.SampleRate;
        int window = Math.Max(1, (int)(options.WindowLength.TotalSeconds * rate));
        int hop = Math.Max(1, (int)(options.Hop.TotalSeconds * rate));
        int minimum = (int)(options.MinimumLength.TotalSeconds * rate);
        var buffer = new float[window];
        int filled = 0;
        long start = 0;
        bool ended = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int fresh = 0;
            while (!ended && filled < window)
            {
                int n = reader.Read(buffer.AsSpan(filled));
                ended = n == 0;
                filled += n;
                fresh += n;
            }

            // Nothing left, or only samples the previous window already covered.
            if (filled == 0 || (fresh == 0 && start > 0))
            {
                yield break;
            }

            // A short tail after earlier windows is dropped; a recording shorter than the minimum still gets one window.
            if (filled >= minimum || start == 0)
            {
                var samples = buffer.AsSpan(0, filled);
                if (RmsDb(samples) >= options.SilenceThresholdDb)
                {
                    var p = Predict(samples, rate, speaker);
                    yield return new EmotionSegment(TimeSpan.FromSeconds((double)start / rate), TimeSpan.FromSeconds((double)(start + filled) / rate), p.Label, p.Confidence, p.Scores);
                }
            }

            if (ended)
            {
                yield break; // this window reached the end of the recording
            }

            int shift = Math.Min(hop, filled);
            Array.Copy(buffer, shift, buffer, 0, filled - shift);
            filled -= shift;
            start += shift;
        }
    }

    /// <summary>Recognises the emotion in encoded audio without blocking the caller.</summary>
    /// <param name="audio">The audio.</param>
    /// <param name="speaker">The speaker's profile, if the model needs one.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<EmotionPrediction> PredictAsync(Stream audio, SpeakerProfile? speaker = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var buffer = new MemoryStream();
        await audio.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        return await Task.Run(() => Predict(buffer, speaker), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Per-speaker statistics from a few clips of the speaker (label-free), for speaker-normalised models.</summary>
    /// <param name="clips">Two or more clips of the speaker (more is better: ten or so).</param>
    public SpeakerProfile CreateSpeakerProfile(IEnumerable<Stream> clips)
    {
        ArgumentNullException.ThrowIfNull(clips);
        var vectors = clips.Select(c =>
        {
            var clip = _decoder.Decode(c);
            return Features(clip.Samples, clip.SampleRate);
        }).ToArray();
        if (vectors.Length < 2)
        {
            throw new ArgumentException("A speaker profile needs at least two clips.", nameof(clips));
        }

        var (mean, std) = SpeakerNormalizer.Statistics(vectors);
        return new SpeakerProfile(mean, std, vectors.Length);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        while (_pool.TryTake(out var engine))
        {
            engine.Dispose();
        }
    }

    private float[] Features(ReadOnlySpan<float> samples, int sampleRate)
    {
        if (samples.IsEmpty)
        {
            throw new SilentAudioException("The clip holds no samples.");
        }

        double db = RmsDb(samples);
        if (db < _options.SilenceThresholdDb)
        {
            throw new SilentAudioException($"The clip is silent ({db:F0} dBFS RMS, below the {_options.SilenceThresholdDb:F0} dBFS threshold).");
        }

        int target = _extractor.Options.SampleRate;
        if (sampleRate == target)
        {
            return _extractor.Extract(samples, sampleRate).Values;
        }

        // Filter design costs more than filtering a clip: one resampler per source rate, shared (they are immutable).
        var resampler = _resamplers.GetOrAdd(sampleRate, rate => PolyphaseResampler.Create(rate, target));
        return _extractor.Extract(resampler.Resample(samples), target).Values;
    }

    /// <summary>RMS level in dB relative to full scale.</summary>
    private static double RmsDb(ReadOnlySpan<float> samples)
    {
        double power = 0;
        foreach (float v in samples)
        {
            power += (double)v * v;
        }

        return 10 * Math.Log10(power / samples.Length + 1e-30);
    }

    private float[] Score(float[] vector)
    {
        if (!_pool.TryTake(out var engine))
        {
            engine = _ml.Model.CreatePredictionEngine<FeatureInput, ScoreOutput>(_model, ignoreMissingColumns: true, inputSchemaDefinition: _inputSchema);
        }

        try
        {
            return (float[])engine.Predict(new FeatureInput { Features = vector, Label = Labels[0] }).Score.Clone();
        }
        finally
        {
            _pool.Add(engine);
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
