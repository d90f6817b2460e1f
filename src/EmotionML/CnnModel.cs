using System.Collections.Concurrent;
using EmotionML.Features;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EmotionML;

/// <summary>
/// An imported ONNX CNN over log-mel spectrograms, scored by one ONNX Runtime session (one intra-op thread per call,
/// so concurrent predictions scale across cores and share the session). Checked against its
/// <see cref="CnnSidecar"/> on load: the graph must take the sidecar's input name and shape and give one value per
/// label, or a <see cref="ModelBundleException"/> says what does not match. A clip is scored as the mean of
/// <see cref="TestCrops"/> test-time crops (the sidecar's count unless the loader asks for another; evenly spaced
/// windows of the input's frame count; a shorter clip is padded with its dB floor). Thread-safe.
/// </summary>
/// <remarks>
/// The session is ONNX Runtime's own <c>InferenceSession</c> rather than ML.NET's <c>ApplyOnnxModel</c> (which
/// <see cref="Microsoft.ML.SpeechTransformsCatalog"/> still feeds, for pipelines of your own): ML.NET's scorer is not safe for
/// concurrent calls on one session (it crashed the process under load), so the engine held one session per pooled
/// engine, each with its own copy of the weights, and ML.NET also kept the parsed graph in the managed heap. One
/// session serves every thread here (ONNX Runtime's <c>Run</c> is thread-safe), inputs are pooled tensors that ONNX
/// Runtime allocates, and the graph is checked by a real run at load.
/// </remarks>
public sealed class CnnModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _inputShape;
    // Input tensors allocated by ONNX Runtime (aligned as its kernels expect): its CPU kernels' results depend in the
    // last bits on where the input sits in memory (measured: a managed array's 8-byte alignment gave one thread other
    // scores than another, each reusing its own array), so every call scores from memory aligned the same way.
    private readonly ConcurrentBag<OrtValue> _inputs = new();
    private int _spareInputs;

    // Calls in flight plus one for the model itself: the session is released when Dispose has run and the last call
    // has left, so a Dispose that races with predictions lets them finish.
    private int _users = 1;
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
        _inputShape = [1, 1, sidecar.LogMel.MelBands, sidecar.Frames];
        _inputNames = [sidecar.Input.Name];
        _outputNames = [sidecar.Output.Name];
        _session = Open(onnx, sidecar);
        try
        {
            // A real run at load: a graph that takes the input but gives the wrong number of values fails here, not
            // at the first prediction.
            using var zeros = NewInput();
            zeros.GetTensorMutableDataAsSpan<float>().Clear();
            Run(zeros, new float[Labels.Count]);
        }
        catch (Exception ex) when (ex is ModelBundleException or OnnxRuntimeException)
        {
            _session.Dispose();
            _runOptions.Dispose();
            throw ex as ModelBundleException ?? Mismatch(sidecar, ex);
        }
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
        var scores = new float[Labels.Count];
        Enter();
        var input = TakeInput();
        try
        {
            foreach (int start in starts)
            {
                FillCrop(logMel, start, input.GetTensorMutableDataAsSpan<float>());
                Run(input, scores);
                ToProbabilities(scores);
                for (int i = 0; i < sum.Length; i++)
                {
                    sum[i] += scores[i];
                }
            }
        }
        finally
        {
            ReturnInput(input);
            Exit();
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
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Exit();
        }
    }

    private OrtValue TakeInput()
    {
        if (_inputs.TryTake(out var spare))
        {
            Interlocked.Decrement(ref _spareInputs);
            return spare;
        }

        return NewInput();
    }

    private OrtValue NewInput() => OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, _inputShape);

    // Bounded like the tree engines: a burst of threads leaves at most that many buffers behind. The count is kept
    // beside the bag (ConcurrentBag.Count locks every thread's list); approximate under races, which only the bound reads.
    private void ReturnInput(OrtValue input)
    {
        if (Volatile.Read(ref _spareInputs) < EmotionModel.MaxPooledEngines)
        {
            Interlocked.Increment(ref _spareInputs);
            _inputs.Add(input);
        }
        else
        {
            input.Dispose();
        }
    }

    private void Enter()
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            int users = Volatile.Read(ref _users);
            ObjectDisposedException.ThrowIf(users == 0, this);
            if (Interlocked.CompareExchange(ref _users, users + 1, users) == users)
            {
                return;
            }
        }
    }

    private void Exit()
    {
        if (Interlocked.Decrement(ref _users) == 0)
        {
            while (_inputs.TryTake(out var input))
            {
                input.Dispose();
            }

            _session.Dispose();
            _runOptions.Dispose();
        }
    }

    /// <summary>One crop through the graph: <paramref name="scores"/> receives its raw output (one value per label).</summary>
    private void Run(OrtValue input, float[] scores)
    {
        using var outputs = _session.Run(_runOptions, _inputNames, [input], _outputNames);
        var values = outputs[0].GetTensorDataAsSpan<float>();
        if (values.Length != scores.Length)
        {
            throw new ModelBundleException($"The ONNX graph's output '{Sidecar.Output.Name}' gave {values.Length} values for one crop; the sidecar lists {scores.Length} labels.");
        }

        values.CopyTo(scores);
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
        FillCrop(logMel, CropStarts(logMel.Frames, frames, 1)[0], target.AsSpan(), frames);
        return target;
    }

    private void FillCrop(LogMelSpectrogram logMel, int start, Span<float> target) => FillCrop(logMel, start, target, Sidecar.Frames);

    private static void FillCrop(LogMelSpectrogram logMel, int start, Span<float> target, int frames)
    {
        int bands = logMel.MelBands;
        int copy = Math.Min(frames, logMel.Frames - start);
        float floor = copy < frames ? logMel.Data.Min() : 0;
        for (int b = 0; b < bands; b++)
        {
            var row = target.Slice(b * frames, frames);
            logMel.Data.AsSpan(b * logMel.Frames + start, copy).CopyTo(row);
            row[copy..].Fill(floor);
        }
    }

    /// <summary>Turns one crop's raw output into probabilities in place (a softmax output is left as it is).</summary>
    private void ToProbabilities(float[] raw)
    {
        if (Sidecar.Output.Kind == "softmax")
        {
            return;
        }

        float max = raw.Max();
        double sum = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            sum += Math.Exp(raw[i] - max);
        }

        for (int i = 0; i < raw.Length; i++)
        {
            raw[i] = (float)(Math.Exp(raw[i] - max) / sum);
        }
    }

    private static InferenceSession Open(byte[] onnx, CnnSidecar sidecar)
    {
        var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            // ONNX Runtime's memory pattern plans one buffer for a run's activations and keeps it between runs;
            // without it the arena serves each tensor. Same scores, same speed here, 5 MB less resident.
            EnableMemoryPattern = false,
        };
        InferenceSession? session = null;
        try
        {
            session = new InferenceSession(onnx, options);
            CheckInput(session, sidecar);
            CheckOutput(session, sidecar);
            return session;
        }
        catch (Exception ex) when (ex is ModelBundleException or OnnxRuntimeException or ArgumentException or InvalidOperationException)
        {
            session?.Dispose();
            throw ex as ModelBundleException ?? Mismatch(sidecar, ex);
        }
        finally
        {
            options.Dispose();
        }
    }

    private static void CheckInput(InferenceSession session, CnnSidecar sidecar)
    {
        if (!session.InputMetadata.TryGetValue(sidecar.Input.Name, out var input))
        {
            throw new ModelBundleException($"The ONNX graph has no input '{sidecar.Input.Name}' (it takes {string.Join(", ", session.InputMetadata.Keys.Select(k => $"'{k}'"))}).");
        }

        int[] expected = [-1, 1, sidecar.LogMel.MelBands, sidecar.Frames];
        var dims = input.IsTensor ? input.Dimensions : [];
        bool fits = input.IsTensor && input.ElementDataType == TensorElementType.Float && dims.Length == 4
            && Enumerable.Range(1, 3).All(d => dims[d] < 0 || dims[d] == expected[d]);
        if (!fits)
        {
            throw new ModelBundleException($"The ONNX graph's input '{sidecar.Input.Name}' is {Describe(input)}; the sidecar describes float [batch, 1, {sidecar.LogMel.MelBands}, {sidecar.Frames}].");
        }
    }

    private static void CheckOutput(InferenceSession session, CnnSidecar sidecar)
    {
        if (!session.OutputMetadata.TryGetValue(sidecar.Output.Name, out var output))
        {
            throw new ModelBundleException($"The ONNX graph has no output '{sidecar.Output.Name}' (it gives {string.Join(", ", session.OutputMetadata.Keys.Select(k => $"'{k}'"))}).");
        }

        if (!output.IsTensor || output.ElementDataType != TensorElementType.Float)
        {
            throw new ModelBundleException($"The ONNX graph's output '{sidecar.Output.Name}' is {Describe(output)}; the sidecar lists {sidecar.Labels.Count} float scores.");
        }
    }

    private static string Describe(NodeMetadata node) =>
        node.IsTensor ? $"{node.ElementDataType} [{string.Join(", ", node.Dimensions.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]" : node.OnnxValueType.ToString();

    private static ModelBundleException Mismatch(CnnSidecar sidecar, Exception ex) =>
        new($"The ONNX graph does not match its sidecar (input '{sidecar.Input.Name}' [batch, 1, {sidecar.LogMel.MelBands}, {sidecar.Frames}], output '{sidecar.Output.Name}' with {sidecar.Labels.Count} values) or is not a valid ONNX model: {ex.Message}", ex);
}
