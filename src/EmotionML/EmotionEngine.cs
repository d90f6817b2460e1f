using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EmotionML.Audio;
using EmotionML.Features;

namespace EmotionML;

/// <summary>
/// Recognises the emotion in speech: <c>engine.Predict(stream)</c>. Loads a model bundle (a file, a stream, or
/// the default model embedded in this package), decodes any supported audio, gates silence, computes exactly the
/// features the model was trained on, and scores them through the model's <see cref="EmotionModel"/>, the one
/// path from features to probabilities that training and evaluation use too.
/// <para>
/// One instance is safe to share across threads; many threads predicting at once get the results of predicting one
/// by one: bit for bit with a tree model; with a CNN, to within ONNX Runtime's rounding (its kernels may sum in a
/// different order from one run to the next, moving a score in its last bit, about 1e-7). Disposing it while calls
/// are in flight lets them finish; later calls throw
/// <see cref="ObjectDisposedException"/>.
/// </para>
/// </summary>
public sealed class EmotionEngine : IDisposable
{
    /// <summary>The name of the embedded default model resource.</summary>
    public const string DefaultModelResource = "EmotionML.default.emlmodel";

    /// <summary>Bytes a timeline may allocate before <see cref="PredictSegments"/> asks for a gen0 collection.</summary>
    private const long SegmentGarbageBudget = 4L * 1024 * 1024;

    /// <summary>The most source rates whose resampler is kept (the filters are designed once per rate).</summary>
    private const int MaxCachedResamplers = 8;

    private readonly SpeechFeatureExtractor _extractor;
    private readonly AudioDecoder _decoder;
    private readonly ConcurrentDictionary<int, PolyphaseResampler> _resamplers = new();
    private readonly EngineOptions _options;
    private int _disposed;

    private EmotionEngine(ModelBundle bundle, EngineOptions? options)
    {
        Bundle = bundle;
        _options = options ?? new EngineOptions();
        Model = EmotionModel.Load(bundle, _options.CnnTestCrops);
        _extractor = new SpeechFeatureExtractor(bundle.Manifest.FeatureOptions);
        _decoder = new AudioDecoder(_options.Audio);
        Labels = bundle.Manifest.Labels;
    }

    /// <summary>How many source rates' resamplers are cached (bounded).</summary>
    internal int CachedResamplerCount => _resamplers.Count;

    /// <summary>The model that turns feature vectors into probabilities.</summary>
    public EmotionModel Model { get; }

    /// <summary>The bundle the engine runs.</summary>
    public ModelBundle Bundle { get; }

    /// <summary>The labels the model predicts, in score order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Whether the model expects speaker-normalised features (then pass a <see cref="SpeakerProfile"/>).</summary>
    public bool RequiresSpeakerProfile => Model.RequiresSpeakerProfile;

    /// <summary>
    /// Loads a bundle file, or an ONNX model of your own (a path ending in <c>.onnx</c>, with its sidecar beside it
    /// as <c>.json</c>; see <see cref="CnnSidecar"/>).
    /// </summary>
    /// <param name="path">The bundle or the <c>.onnx</c> file.</param>
    /// <param name="options">Engine settings.</param>
    /// <exception cref="ModelBundleException">The file is missing, corrupt, or its graph and sidecar disagree.</exception>
    public static EmotionEngine Load(string path, EngineOptions? options = null) =>
        string.Equals(Path.GetExtension(path), ".onnx", StringComparison.OrdinalIgnoreCase) ? FromOnnx(path, null, options) : new(ModelBundle.Load(path), options);

    /// <summary>An engine over an ONNX model of your own (a CNN on log-mel spectrograms, exported with a sidecar).</summary>
    /// <param name="onnxPath">The <c>.onnx</c> file.</param>
    /// <param name="sidecarPath">Its sidecar; <c>null</c> for the <c>.json</c> beside it.</param>
    /// <param name="options">Engine settings.</param>
    /// <exception cref="ModelBundleException">A file is missing, or the graph and the sidecar disagree.</exception>
    public static EmotionEngine FromOnnx(string onnxPath, string? sidecarPath = null, EngineOptions? options = null)
    {
        using var model = EmotionModel.FromCnn(CnnModel.Load(onnxPath, sidecarPath));
        var manifest = new ModelManifest
        {
            CreatedUtc = File.GetLastWriteTimeUtc(onnxPath),
            LabelSet = "imported",
            Trainer = "ONNX CNN (imported)",
            TrainingData = new TrainingDataDescription { Source = Path.GetFullPath(onnxPath) },
        };
        return new(ModelBundle.Create(model, manifest), options);
    }

    /// <summary>Loads a bundle from a stream.</summary>
    /// <param name="stream">The bundle bytes.</param>
    /// <param name="options">Engine settings.</param>
    public static EmotionEngine Load(Stream stream, EngineOptions? options = null) => new(ModelBundle.Load(stream), options);

    /// <summary>Loads the default model embedded in this package (RAVDESS, 8 classes; see the package README for its accuracy).</summary>
    /// <param name="options">Engine settings.</param>
    public static EmotionEngine LoadDefault(EngineOptions? options = null) => new(LoadDefaultBundle(), options);

    /// <summary>The default model's bundle (manifest, validation figures, report data) without loading the model itself.</summary>
    /// <exception cref="ModelBundleException">This build has no default model embedded.</exception>
    public static ModelBundle LoadDefaultBundle()
    {
        using var stream = typeof(EmotionEngine).Assembly.GetManifestResourceStream(DefaultModelResource)
            ?? throw new ModelBundleException("The default model is not embedded in this build of EmotionML.");
        return ModelBundle.Load(stream);
    }

    /// <summary>Recognises the emotion in encoded audio (WAV, MP3, Ogg Vorbis; FLAC/M4A/Opus with ffmpeg).</summary>
    /// <param name="audio">The audio; read to its end, left open.</param>
    /// <param name="speaker">The speaker's profile, required by speaker-normalised models.</param>
    /// <exception cref="AudioDecodeException">The audio cannot be decoded.</exception>
    /// <exception cref="SilentAudioException">The clip is empty or silent.</exception>
    public EmotionPrediction Predict(Stream audio, SpeakerProfile? speaker = null)
    {
        ThrowIfDisposed();
        using var decoded = _decoder.DecodeRented(audio);
        return Predict(decoded.Samples, decoded.SampleRate, speaker);
    }

    /// <summary>Recognises the emotion in mono samples at any rate (resampled to the model's rate).</summary>
    /// <param name="samples">Mono samples in [-1, 1].</param>
    /// <param name="sampleRate">Their rate.</param>
    /// <param name="speaker">The speaker's profile, required by speaker-normalised models.</param>
    public EmotionPrediction Predict(ReadOnlySpan<float> samples, int sampleRate, SpeakerProfile? speaker = null)
    {
        ThrowIfDisposed();
        var output = Score(samples, sampleRate, speaker);
        var scores = output.Probabilities;
        int best = EmotionModel.ArgMax(scores);
        var map = new Dictionary<string, float>(Labels.Count);
        for (int i = 0; i < Labels.Count; i++)
        {
            map[Labels[i]] = scores[i];
        }

        return new EmotionPrediction(Labels[best], scores[best], map, TimeSpan.FromSeconds((double)samples.Length / sampleRate), Labels, output.InDomain, output.DomainScore);
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
        ThrowIfDisposed();
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
        // Resampled as it is read (each source sample once, no edge effects at window boundaries), so the windows are
        // at the model's rate already.
        var source = _decoder.OpenRead(audio, leaveOpen: true);
        using var reader = source.SampleRate == _extractor.Options.SampleRate ? source : ResamplerFor(source.SampleRate).Resample(source);
        int rate = reader.SampleRate;
        int window = Math.Max(1, (int)(options.WindowLength.TotalSeconds * rate));
        int hop = Math.Max(1, (int)(options.Hop.TotalSeconds * rate));
        int minimum = (int)(options.MinimumLength.TotalSeconds * rate);
        var buffer = new float[window];
        int filled = 0;
        long allocatedAtCollection = GC.GetAllocatedBytesForCurrentThread();
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

                    // Each window's garbage (features, scores: about 0.3 MB) is short-lived, but the GC lets gen0 grow to
                    // its budget (tens of MB, sized from the CPU's cache) before collecting. A gen0 collection every
                    // 4 MB allocated keeps an hour-long timeline's working set bounded with default runtime settings
                    // (measured: peak 174 MB without, 97 MB with, no measurable change in time; benchmarks/README.md).
                    if (GC.GetAllocatedBytesForCurrentThread() - allocatedAtCollection > SegmentGarbageBudget)
                    {
                        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                        allocatedAtCollection = GC.GetAllocatedBytesForCurrentThread();
                    }

                    yield return new EmotionSegment(TimeSpan.FromSeconds((double)start / rate), TimeSpan.FromSeconds((double)(start + filled) / rate), p.Label, p.Confidence, p.Scores, p.InDomain, p.DomainScore);
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

    /// <summary>
    /// Recognises the emotion in encoded audio without blocking the caller: the stream is read asynchronously (as
    /// ASP.NET Core's request bodies must be), at most <see cref="AudioDecoderOptions.MaxBufferedBytes"/> of it,
    /// then decoded and scored on the thread pool.
    /// </summary>
    /// <param name="audio">The audio.</param>
    /// <param name="speaker">The speaker's profile, if the model needs one.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <exception cref="AudioDecodeException">The audio cannot be decoded, or is larger than MaxBufferedBytes (<see cref="AudioErrorKind.TooLong"/>).</exception>
    public async Task<EmotionPrediction> PredictAsync(Stream audio, SpeakerProfile? speaker = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ThrowIfDisposed();
        long limit = _options.Audio.MaxBufferedBytes;
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await audio.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > limit)
            {
                throw new AudioDecodeException(AudioErrorKind.TooLong, $"The audio stream is larger than the {limit} bytes PredictAsync buffers (AudioDecoderOptions.MaxBufferedBytes).");
            }

            buffer.Write(chunk, 0, n);
        }

        buffer.Position = 0;
        return await Task.Run(() => Predict(buffer, speaker), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A speaker's profile from a few label-free clips of the speaker (an enrolment set), for speaker-normalised
    /// models. Score the speaker's other clips with it: the model's report says how accuracy grows with the number
    /// of enrolment clips.
    /// </summary>
    /// <param name="clips">Clips of the speaker.</param>
    /// <exception cref="InvalidOperationException">The model does not use speaker normalisation.</exception>
    public SpeakerProfile CreateSpeakerProfile(IEnumerable<Stream> clips)
    {
        ArgumentNullException.ThrowIfNull(clips);
        ThrowIfDisposed();
        if (!RequiresSpeakerProfile)
        {
            throw new InvalidOperationException("This model does not use speaker normalisation: it needs no profile.");
        }

        var vectors = clips.Select(c =>
        {
            var clip = _decoder.Decode(c);
            return Features(clip.Samples, clip.SampleRate);
        }).ToArray();
        return Model.CreateSpeakerProfile(vectors);
    }

    /// <summary>
    /// Runs the whole prediction path once on a built-in synthetic clip (a 16-bit WAV in memory, 2.5 s of a voiced,
    /// syllable-modulated tone at the model's rate): decoding, the features, the model and, for a CNN, ONNX Runtime's
    /// first run. The first real prediction then does not pay for just-in-time compilation and first-run set-up
    /// (about 0.1 s with the default model; the engine reaches its steady speed within about 100 predictions).
    /// <see cref="EmotionRecognitionServiceCollectionExtensions.AddEmotionRecognition"/> calls it when the host
    /// starts. Thread-safe, like <see cref="Predict(Stream, SpeakerProfile?)"/>.
    /// </summary>
    /// <param name="cancellationToken">Checked before the prediction runs.</param>
    /// <returns>How long it took.</returns>
    public TimeSpan WarmUp(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // Decoded with the default limits, not this engine's: the built-in clip must warm the path even where the
        // engine only accepts shorter or smaller audio (the decoding code is the same either way).
        using var decoded = WarmUpDecoder.DecodeRented(new MemoryStream(WarmUpClip(_extractor.Options.SampleRate), writable: false), cancellationToken);
        var speaker = RequiresSpeakerProfile ? Model.CreateSpeakerProfile([Features(decoded.Samples, decoded.SampleRate)]) : null;
        cancellationToken.ThrowIfCancellationRequested();
        Predict(decoded.Samples, decoded.SampleRate, speaker);
        return watch.Elapsed;
    }

    private static readonly AudioDecoder WarmUpDecoder = new();

    /// <summary>The warm-up clip: 2.5 s of a tone gliding 140 → 180 Hz with ten decaying harmonics, its loudness
    /// modulated at a syllable rate (4 Hz), as a mono 16-bit PCM WAV.</summary>
    internal static byte[] WarmUpClip(int sampleRate)
    {
        int n = sampleRate * 5 / 2;
        using var buffer = new MemoryStream(44 + 2 * n);
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.ASCII, leaveOpen: true))
        {
            w.Write("RIFF"u8);
            w.Write(36 + 2 * n);
            w.Write("WAVEfmt "u8);
            w.Write(16);
            w.Write((short)1);
            w.Write((short)1);
            w.Write(sampleRate);
            w.Write(2 * sampleRate);
            w.Write((short)2);
            w.Write((short)16);
            w.Write("data"u8);
            w.Write(2 * n);
            double phase = 0;
            for (int i = 0; i < n; i++)
            {
                double t = (double)i / sampleRate;
                phase += 2 * Math.PI * (140 + 16 * t) / sampleRate;
                double v = 0;
                for (int h = 1; h <= 10; h++)
                {
                    v += Math.Sin(h * phase) / h;
                }

                double envelope = 0.5 - 0.5 * Math.Cos(2 * Math.PI * 4 * t);
                w.Write((short)Math.Round(6000 * envelope * v));
            }
        }

        return buffer.ToArray();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Model.Dispose();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>
    /// The model's output for a clip: the pooled vector when the model uses one, and the log-mel spectrogram when it
    /// has a CNN (over storage the extractor reuses for the next clip of the same length, so the windows of a timeline
    /// allocate no spectrogram).
    /// </summary>
    private ModelOutput Score(ReadOnlySpan<float> samples, int sampleRate, SpeakerProfile? speaker)
    {
        CheckAudible(samples);
        int target = _extractor.Options.SampleRate;
        int? logMelRate = Model.Cnn?.LogMel.Options.SampleRate;
        // Resampled once to the model's rate when the pooled vector or the log-mel (at the same rate, as in every
        // model trained here) needs it, and shared by both.
        var atTarget = Model.UsesPooledFeatures || logMelRate == target ? AtModelRate(samples, sampleRate) : default;
        float[]? features = Model.UsesPooledFeatures ? _extractor.Extract(atTarget, target).Values : null;
        if (Model.Cnn is not { } cnn)
        {
            return Model.Predict(features, null, speaker);
        }

        int rate = logMelRate!.Value;
        var input = rate == target ? atTarget : sampleRate == rate ? samples : PolyphaseResampler.Create(sampleRate, rate).Resample(samples);
        return cnn.LogMel.WithSpectrogram(input, rate, logMel => Model.Predict(features, logMel, speaker));
    }

    private void CheckAudible(ReadOnlySpan<float> samples)
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
    }

    private float[] Features(ReadOnlySpan<float> samples, int sampleRate)
    {
        CheckAudible(samples);
        return _extractor.Extract(AtModelRate(samples, sampleRate), _extractor.Options.SampleRate).Values;
    }

    /// <summary>The samples at the pooled vector's rate: as they are, or through the cached resampler.</summary>
    private ReadOnlySpan<float> AtModelRate(ReadOnlySpan<float> samples, int sampleRate) =>
        sampleRate == _extractor.Options.SampleRate ? samples : ResamplerFor(sampleRate).Resample(samples);

    /// <summary>
    /// The resampler from <paramref name="sampleRate"/> to the model's rate. Filter design costs more than filtering
    /// a clip: one resampler per source rate, shared (they are immutable); a bounded number of rates is kept, so
    /// clips at ever new rates cannot grow the cache without limit.
    /// </summary>
    private PolyphaseResampler ResamplerFor(int sampleRate)
    {
        if (!_resamplers.TryGetValue(sampleRate, out var resampler))
        {
            resampler = PolyphaseResampler.Create(sampleRate, _extractor.Options.SampleRate);
            if (_resamplers.Count < MaxCachedResamplers)
            {
                _resamplers.TryAdd(sampleRate, resampler);
            }
        }

        return resampler;
    }

    /// <summary>RMS level in dB relative to full scale.</summary>
    private static double RmsDb(ReadOnlySpan<float> samples)
    {
        // In double, eight running sums at a time (one running sum was a chain of dependent adds: 0.1 ms a clip).
        double power = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var lower = Vector256<double>.Zero;
            var upper = Vector256<double>.Zero;
            ref float first = ref MemoryMarshal.GetReference(samples);
            for (; i <= samples.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref first, (nuint)i));
                lower += lo * lo;
                upper += hi * hi;
            }

            power = Vector256.Sum(lower + upper);
        }

        for (; i < samples.Length; i++)
        {
            power += (double)samples[i] * samples[i];
        }

        return 10 * Math.Log10(power / samples.Length + 1e-30);
    }
}
