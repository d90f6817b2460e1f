using System.Collections.Concurrent;
using EmotionML.Features;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;

namespace EmotionML;

/// <summary>
/// An imported ONNX CNN over log-mel spectrograms, scored through ML.NET's <c>ApplyOnnxModel</c> (ONNX Runtime,
/// one intra-op thread per call so concurrent predictions scale across cores). Checked against its
/// <see cref="CnnSidecar"/> on load: the graph must take the sidecar's input name and shape and give one value per
/// label, or a <see cref="ModelBundleException"/> says what does not match. A clip is scored as the mean of
/// <see cref="TestCrops"/> test-time crops (the sidecar's count unless the loader asks for another; evenly spaced
/// windows of the input's frame count; a shorter clip is padded with its dB floor). Thread-safe.
/// </summary>
public sealed class CnnModel : IDisposable
{
    private const string InputColumn = "LogMel";
    private const string OutputColumn = "CnnScore";
    private readonly MLContext _ml;
    private readonly ConcurrentBag<ITransformer> _sessions = new();
    private readonly ConcurrentBag<ITransformer> _allSessions = new();
    private readonly PredictionEnginePool<CnnInput, CnnOutput> _pool;
    private readonly int _inputSize;
    private int _disposed;

    /// <summary>The most test-time crops a CNN scores per clip (the fewest is 1).</summary>
    public const int MaxTestCrops = 32;

    private CnnModel(byte[] onnx, CnnSidecar sidecar, int? testCrops)
    {
        CheckTestCrops(testCrops, nameof(testCrops));
        Sidecar = sidecar;
        TestCrops = testCrops ?? sidecar.TestCrops;
        OnnxBytes = onnx;
        LogMel = new LogMelExtractor(sidecar.LogMelOptions);
        _inputSize = sidecar.LogMel.MelBands * sidecar.Frames;
        _ml = new MLContext(0);
        // Checked now (a mismatch fails the load, not the first prediction); the first engine reuses it.
        _sessions.Add(Build(_ml, onnx, sidecar, _inputSize));
        var inputSchema = InputSchema(_inputSize);
        // One ONNX Runtime session per pooled engine: concurrent runs of one session through ML.NET's scorer crashed
        // the process under load (SIGSEGV inside onnxruntime, several threads at one address), separate sessions
        // do not share that state. The pool is bounded, so the sessions are too.
        _pool = new PredictionEnginePool<CnnInput, CnnOutput>(() =>
        {
            var session = _sessions.TryTake(out var spare) ? spare : Build(_ml, onnx, sidecar, _inputSize);
            _allSessions.Add(session);
            return _ml.Model.CreatePredictionEngine<CnnInput, CnnOutput>(session, ignoreMissingColumns: true, inputSchemaDefinition: inputSchema);
        }, this);
    }

    /// <summary>The sidecar: input, labels, log-mel settings, training record.</summary>
    public CnnSidecar Sidecar { get; }

    /// <summary>
    /// How many evenly spaced crops of a clip are scored and averaged: the sidecar's <see cref="CnnSidecar.TestCrops"/>
    /// (what the model was measured and calibrated with) unless the loader asked for another count.
    /// </summary>
    public int TestCrops { get; }

    /// <summary>The labels in output order.</summary>
    public IReadOnlyList<string> Labels => Sidecar.Labels;

    /// <summary>The extractor that computes this model's input from audio.</summary>
    public LogMelExtractor LogMel { get; }

    /// <summary>The ONNX graph's bytes (what a bundle stores).</summary>
    internal byte[] OnnxBytes { get; }

    /// <summary>Loads an ONNX model and its sidecar (by default the file beside it with the extension <c>.json</c>).</summary>
    /// <param name="onnxPath">The <c>.onnx</c> file.</param>
    /// <param name="sidecarPath">The sidecar; <c>null</c> for <paramref name="onnxPath"/> with <c>.json</c>.</param>
    /// <exception cref="ModelBundleException">A file is missing, or the graph and the sidecar disagree.</exception>
    public static CnnModel Load(string onnxPath, string? sidecarPath = null)
    {
        ArgumentNullException.ThrowIfNull(onnxPath);
        sidecarPath ??= Path.ChangeExtension(onnxPath, ".json");
        foreach (var path in new[] { onnxPath, sidecarPath })
        {
            if (!File.Exists(path))
            {
                throw new ModelBundleException($"'{path}' does not exist (an imported CNN needs its .onnx graph and its .json sidecar).");
            }
        }

        return Load(File.ReadAllBytes(onnxPath), File.ReadAllBytes(sidecarPath));
    }

    /// <summary>Loads an ONNX model and its sidecar from bytes.</summary>
    /// <param name="onnx">The ONNX graph.</param>
    /// <param name="sidecarJson">The sidecar's UTF-8 JSON.</param>
    /// <exception cref="ModelBundleException">The graph and the sidecar disagree, or either is corrupt.</exception>
    public static CnnModel Load(byte[] onnx, byte[] sidecarJson) => Load(onnx, sidecarJson, null);

    /// <summary>Throws unless <paramref name="testCrops"/> is null or 1 to <see cref="MaxTestCrops"/>.</summary>
    internal static void CheckTestCrops(int? testCrops, string paramName)
    {
        if (testCrops is < 1 or > MaxTestCrops)
        {
            throw new ArgumentOutOfRangeException(paramName, testCrops, $"Test-time crops: 1 to {MaxTestCrops}, or null for the model's own count.");
        }
    }

    /// <summary>Loads an ONNX model and its sidecar from bytes, scoring another number of test-time crops than the sidecar's.</summary>
    /// <param name="onnx">The ONNX graph.</param>
    /// <param name="sidecarJson">The sidecar's UTF-8 JSON.</param>
    /// <param name="testCrops">Crops scored and averaged per clip (1 to <see cref="CnnModel.MaxTestCrops"/>); null for the sidecar's.</param>
    /// <exception cref="ModelBundleException">The graph and the sidecar disagree, or either is corrupt.</exception>
    public static CnnModel Load(byte[] onnx, byte[] sidecarJson, int? testCrops)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(sidecarJson);
        return new CnnModel(onnx, CnnSidecar.Parse(sidecarJson), testCrops);
    }

    /// <summary>The probability of every label (in <see cref="Labels"/> order) for a clip's log-mel spectrogram.</summary>
    /// <param name="logMel">Computed by <see cref="LogMel"/> (bands must match).</param>
    public float[] Predict(LogMelSpectrogram logMel)
    {
        ArgumentNullException.ThrowIfNull(logMel);
        if (logMel.MelBands != Sidecar.LogMel.MelBands)
        {
            throw new ArgumentException($"The model takes {Sidecar.LogMel.MelBands} mel bands; the spectrogram has {logMel.MelBands}.", nameof(logMel));
        }

        var starts = CropStarts(logMel.Frames, Sidecar.Frames, TestCrops);
        var sum = new double[Labels.Count];
        var input = new CnnInput { LogMel = new float[_inputSize] };
        foreach (int start in starts)
        {
            FillCrop(logMel, start, input.LogMel);
            var scores = ToProbabilities(_pool.Predict(input).Score);
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += scores[i];
            }
        }

        return sum.Select(v => (float)(v / starts.Length)).ToArray();
    }

    /// <summary>
    /// The probability of every label of <paramref name="labels"/>, in that order (a model's or a data set's label
    /// order, which may differ from the CNN's own <see cref="Labels"/> order).
    /// </summary>
    /// <param name="logMel">Computed by <see cref="LogMel"/> (bands must match).</param>
    /// <param name="labels">The labels wanted, each one of <see cref="Labels"/>.</param>
    /// <exception cref="ArgumentException">A label is not one of the CNN's.</exception>
    public float[] Predict(LogMelSpectrogram logMel, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var order = OrderOf(labels);
        var raw = Predict(logMel);
        return order.Select(j => raw[j]).ToArray();
    }

    /// <summary>Where each of <paramref name="labels"/> is in the CNN's output.</summary>
    /// <exception cref="ArgumentException">A label is not one of the CNN's.</exception>
    private int[] OrderOf(IReadOnlyList<string> labels)
    {
        var order = new int[labels.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = IndexOf(Sidecar.Labels, labels[i]);
            if (order[i] < 0)
            {
                throw new ArgumentException($"The CNN's labels ({string.Join(", ", Labels)}) do not include '{labels[i]}'.", nameof(labels));
            }
        }

        return order;

        static int IndexOf(IReadOnlyList<string> list, string value)
        {
            for (int i = 0; i < list.Count; i++)
            {
                if (string.Equals(list[i], value, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            return -1;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _pool.Dispose();
        // ML.NET's ONNX scorer leaves each engine's last outputs (native ONNX Runtime values) to the finalizer; they
        // are released here, while their sessions still live, rather than at some later collection after them.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        foreach (var session in _allSessions.Concat(_sessions))
        {
            (session as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// Evenly spaced crop starts over <paramref name="frames"/> (the Python trainer's <c>test_crops</c> mirror this):
    /// one centred crop when the clip is no longer than a crop or one crop is asked for.
    /// </summary>
    internal static int[] CropStarts(int frames, int cropFrames, int crops)
    {
        if (frames <= cropFrames)
        {
            return [0];
        }

        int span = frames - cropFrames;
        return crops <= 1 ? [span / 2] : Enumerable.Range(0, crops).Select(i => (int)((long)i * span / (crops - 1))).ToArray();
    }

    /// <summary>The centre crop of <paramref name="frames"/> frames (padded with the clip's dB floor when shorter), band after band.</summary>
    internal static float[] CentreCrop(LogMelSpectrogram logMel, int frames)
    {
        var target = new float[logMel.MelBands * frames];
        FillCrop(logMel, CropStarts(logMel.Frames, frames, 1)[0], target, frames);
        return target;
    }

    private void FillCrop(LogMelSpectrogram logMel, int start, float[] target) => FillCrop(logMel, start, target, Sidecar.Frames);

    private static void FillCrop(LogMelSpectrogram logMel, int start, float[] target, int frames)
    {
        int bands = logMel.MelBands;
        int copy = Math.Min(frames, logMel.Frames - start);
        float floor = copy < frames ? logMel.Data.Min() : 0;
        for (int b = 0; b < bands; b++)
        {
            var row = target.AsSpan(b * frames, frames);
            logMel.Data.AsSpan(b * logMel.Frames + start, copy).CopyTo(row);
            row[copy..].Fill(floor);
        }
    }

    private float[] ToProbabilities(float[] raw)
    {
        if (Sidecar.Output.Kind == "softmax")
        {
            return raw;
        }

        float max = raw.Max();
        var p = raw.Select(v => Math.Exp(v - max)).ToArray();
        double sum = p.Sum();
        return p.Select(v => (float)(v / sum)).ToArray();
    }

    private static ITransformer Build(MLContext ml, byte[] onnx, CnnSidecar sidecar, int inputSize)
    {
        // OnnxOptions (which sets ONNX Runtime's thread counts) takes a file, not bytes: a private temporary copy,
        // removed once the session has read it.
        string file = Path.Combine(Path.GetTempPath(), $"emotionml-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(file, onnx);
        try
        {
            var pipeline = ml.Transforms.CopyColumns(sidecar.Input.Name, InputColumn)
                .Append(ml.Transforms.ApplyOnnxModel(new OnnxOptions
                {
                    ModelFile = file,
                    InputColumns = [sidecar.Input.Name],
                    OutputColumns = [sidecar.Output.Name],
                    ShapeDictionary = new Dictionary<string, int[]> { [sidecar.Input.Name] = [1, 1, sidecar.LogMel.MelBands, sidecar.Frames] },
                    IntraOpNumThreads = 1,
                    InterOpNumThreads = 1,
                }))
                .Append(ml.Transforms.CopyColumns(OutputColumn, sidecar.Output.Name));
            var empty = ml.Data.LoadFromEnumerable(Array.Empty<CnnInput>(), InputSchema(inputSize));
            var transformer = pipeline.Fit(empty);
            var output = transformer.GetOutputSchema(empty.Schema).GetColumnOrNull(OutputColumn);
            if (output is null || output.Value.Type is not VectorDataViewType { ItemType: NumberDataViewType } vector || vector.Size != sidecar.Labels.Count)
            {
                throw new ModelBundleException($"The ONNX graph's output '{sidecar.Output.Name}' is {output?.Type.ToString() ?? "missing"}; the sidecar lists {sidecar.Labels.Count} labels.");
            }

            return transformer;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            throw new ModelBundleException($"The ONNX graph does not match its sidecar (input '{sidecar.Input.Name}' [batch, 1, {sidecar.LogMel.MelBands}, {sidecar.Frames}], output '{sidecar.Output.Name}' with {sidecar.Labels.Count} values) or is not a valid ONNX model: {ex.Message}", ex);
        }
        finally
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Left in the temporary folder; harmless.
            }
        }
    }

    private static SchemaDefinition InputSchema(int inputSize)
    {
        var schema = SchemaDefinition.Create(typeof(CnnInput));
        schema[nameof(CnnInput.LogMel)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, inputSize);
        return schema;
    }

    private sealed class CnnInput
    {
        public float[] LogMel { get; set; } = [];
    }

    private sealed class CnnOutput
    {
        [ColumnName(OutputColumn)]
        public float[] Score { get; set; } = [];
    }
}
