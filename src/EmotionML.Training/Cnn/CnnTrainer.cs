using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EmotionML.Training.Cnn;

/// <summary>
/// Trains the log-mel CNN by running the PyTorch trainer (<c>scripts/cnn/train_cnn.py</c>, shipped inside this
/// assembly) on an export of the whole corpus, naming the speakers it may train on and the ones it must leave
/// alone; imports the result through <see cref="CnnModel"/>. A trained model is kept in
/// <see cref="CnnTrainingOptions.CacheDirectory"/> and reused when a later request matches its sidecar's training
/// record exactly (the data's hash, the speakers, the recipe version, epochs, seed, width, warp, precision, seeds
/// and clip count) and its test-time crops; one that differs only in its crops is copied with the requested count
/// (<c>scripts/cnn/recrop_cnn.py</c>) rather than trained again. With <see cref="CnnTrainingOptions.Seeds"/> above one, or the two widths together
/// (<c>compact+wide</c>), each member net is trained and cached on its own, and <c>scripts/cnn/ensemble_cnn.py</c>
/// averages them into one ONNX model.
/// </summary>
public sealed partial class CnnTrainer
{
    private const string ResourcePrefix = "EmotionML.Training.cnn.";

    /// <summary>Creates a trainer.</summary>
    /// <param name="options">The settings; <c>null</c> for the defaults.</param>
    public CnnTrainer(CnnTrainingOptions? options = null)
    {
        Options = options ?? new CnnTrainingOptions();
        Options.Validate();
    }

    /// <summary>The settings.</summary>
    public CnnTrainingOptions Options { get; }

    /// <summary>The recipe version of the shipped trainer (its <c>RECIPE_VERSION</c>).</summary>
    public static int RecipeVersion { get; } = int.Parse(RecipePattern().Match(ReadScript("emotion_cnn.py")).Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>
    /// Null when <see cref="CnnTrainingOptions.Python"/> can import torch and onnx; otherwise what is missing and
    /// how to install it.
    /// </summary>
    /// <param name="python">The interpreter to check.</param>
    public static string? Unavailable(string python)
    {
        try
        {
            var (code, output) = Run(python, ["-c", "import torch, onnx; print(torch.__version__)"], null, null, CancellationToken.None);
            return code == 0 ? null : $"{python} cannot import torch and onnx ({LastLines(output, 2)}); install Debian's python3-torch and python3-onnx (scripts/install-deps.sh does) or set EMOTIONML_PYTHON.";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"{python} cannot be started ({ex.Message}); install Debian's python3 with python3-torch and python3-onnx (scripts/install-deps.sh does) or set EMOTIONML_PYTHON.";
        }
    }

    /// <summary>
    /// Speakers to hold back from the CNN for choosing the blend weight: <paramref name="count"/> spread evenly over
    /// the sorted speakers (positions ⌊(2i+1)·m / 2count⌋), so that, for instance, RAVDESS' alternating male and
    /// female actors are both represented. Fewer when there are too few speakers to leave two for training.
    /// </summary>
    /// <param name="speakers">The training speakers.</param>
    /// <param name="count">How many to hold back.</param>
    public static IReadOnlyList<string> SelectionSpeakers(IEnumerable<string> speakers, int count)
    {
        var sorted = speakers.Distinct().Order(StringComparer.Ordinal).ToArray();
        count = Math.Min(count, sorted.Length - 2);
        return count <= 0 ? [] : Enumerable.Range(0, count).Select(i => sorted[(2 * i + 1) * sorted.Length / (2 * count)]).ToArray();
    }

    /// <summary>Trains (or reuses) a CNN on <paramref name="trainSpeakers"/>' clips of <paramref name="data"/>'s whole corpus.</summary>
    /// <param name="data">Log-mel spectrograms (its <see cref="LogMelCorpus.Root"/> is exported).</param>
    /// <param name="trainSpeakers">The only speakers whose clips are trained on.</param>
    /// <param name="validationSpeakers">Speakers scored in the sidecar (never trained on).</param>
    /// <param name="excludedSpeakers">Speakers recorded as held out (never trained on; a nested evaluation's test speakers).</param>
    /// <param name="progress">Receives the trainer's lines (one per epoch).</param>
    /// <param name="cancellationToken">Kills the trainer.</param>
    /// <exception cref="CnnTrainingException">Python is missing, or the trainer failed.</exception>
    public CnnTrainingResult Train(LogMelCorpus data, IReadOnlyCollection<string> trainSpeakers, IReadOnlyCollection<string> validationSpeakers, IReadOnlyCollection<string> excludedSpeakers, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var train = trainSpeakers.Distinct().Order(StringComparer.Ordinal).ToArray();
        var validation = validationSpeakers.Distinct().Order(StringComparer.Ordinal).ToArray();
        var excluded = excludedSpeakers.Distinct().Order(StringComparer.Ordinal).ToArray();
        if (train.Length == 0 || train.Intersect(validation).Concat(train.Intersect(excluded)).Any())
        {
            throw new ArgumentException("Give at least one training speaker, none of them also a validation or excluded speaker.", nameof(trainSpeakers));
        }

        var root = data.Root;
        int clips = root.Items.Count(i => train.Contains(i.Speaker));
        if (Options.ClipLimit is { } limit)
        {
            clips = Math.Min(clips, limit);
        }

        Directory.CreateDirectory(Options.CacheDirectory);
        string npz = ExportOnce(root);
        string dataSha = FileSha256(npz);
        string precision = Options.ResolvedPrecision;
        JsonObject Request(int seed, int seeds, string width) => new()
        {
            ["recipe"] = RecipeVersion,
            ["dataSha256"] = dataSha,
            ["trainSpeakers"] = new JsonArray(train.Select(s => (JsonNode)s).ToArray()),
            ["validationSpeakers"] = new JsonArray(validation.Select(s => (JsonNode)s).ToArray()),
            ["epochs"] = Options.Epochs,
            ["seed"] = seed,
            ["width"] = width,
            ["warp"] = Options.Warp,
            ["clips"] = clips,
            ["precision"] = precision,
            ["seeds"] = seeds,
        };

        var models = Path.Combine(Options.CacheDirectory, "models");
        var widths = Options.MemberWidths;
        if (Options.Seeds == 1 && widths.Count == 1)
        {
            return TrainOne(Request(Options.Seed, 1, Options.Width), Options.Seed, Options.Width);
        }

        var ensembleRequest = Request(Options.Seed, Options.Seeds, Options.Width);
        var (cachedEnsemble, otherCropsEnsemble) = FindCached(models, ensembleRequest, Options.TestCrops);
        if (cachedEnsemble is not null)
        {
            progress?.Report($"reusing the CNN ensemble trained earlier on the same speakers and data: {cachedEnsemble}");
            return new CnnTrainingResult(cachedEnsemble, CnnModel.Load(Path.Combine(cachedEnsemble, "model.onnx")), true);
        }

        if (Recropped(ensembleRequest, otherCropsEnsemble) is { } recroppedEnsemble)
        {
            return recroppedEnsemble;
        }

        // Members seed by seed, each seed's widths together (compact then wide), each trained and cached on its own.
        var members = new List<string>();
        for (int i = 0; i < Options.Seeds; i++)
        {
            foreach (var width in widths)
            {
                var member = TrainOne(Request(Options.Seed + i, 1, width), Options.Seed + i, width);
                member.Model.Dispose();
                members.Add(member.Folder);
            }
        }

        if (Unavailable(Options.Python) is { } missing)
        {
            throw new CnnTrainingException(missing);
        }

        string output = Path.Combine(models, Key(ensembleRequest));
        var (code, log) = Run(Options.Python, [Path.Combine(Scripts(), "ensemble_cnn.py"), "--data", npz, "--members", string.Join(',', members), "--out", output], progress, null, cancellationToken);
        if (code != 0 || !File.Exists(Path.Combine(output, "model.onnx")))
        {
            throw new CnnTrainingException($"Averaging the CNN's members failed (exit code {code}): {LastLines(log, 6)}");
        }

        return new CnnTrainingResult(output, CnnModel.Load(Path.Combine(output, "model.onnx")), false);

        // Test-time crops only decide how clips are scored, never what is trained: a model cached with another crop
        // count is copied with this one (recrop_cnn.py: same weights, the sidecar's count and validation score redone).
        CnnTrainingResult? Recropped(JsonObject request, string? source)
        {
            if (source is null || Unavailable(Options.Python) is not null)
            {
                return null;
            }

            string output = Path.Combine(models, Key(request));
            var (code, log) = Run(Options.Python, [Path.Combine(Scripts(), "recrop_cnn.py"), "--from", source, "--data", npz, "--test-crops", Invariant(Options.TestCrops), "--out", output], progress, null, cancellationToken);
            if (code != 0 || !File.Exists(Path.Combine(output, "model.onnx")))
            {
                throw new CnnTrainingException($"Copying the cached CNN {source} with {Options.TestCrops} test-time crops failed (exit code {code}): {LastLines(log, 6)}");
            }

            progress?.Report($"reusing the CNN trained earlier on the same speakers and data ({source}) with {Options.TestCrops} test-time crops: {output}");
            return new CnnTrainingResult(output, CnnModel.Load(Path.Combine(output, "model.onnx")), true);
        }

        CnnTrainingResult TrainOne(JsonObject request, int seed, string width)
        {
            var (cached, otherCrops) = FindCached(models, request, Options.TestCrops);
            if (cached is not null)
            {
                progress?.Report($"reusing the CNN trained earlier on the same speakers and data: {cached}");
                return new CnnTrainingResult(cached, CnnModel.Load(Path.Combine(cached, "model.onnx")), true);
            }

            if (Recropped(request, otherCrops) is { } recropped)
            {
                return recropped;
            }

            if (Unavailable(Options.Python) is { } reason)
            {
                throw new CnnTrainingException(reason);
            }

            string output = Path.Combine(models, Key(request));
            var args = new List<string>
            {
                Path.Combine(Scripts(), "train_cnn.py"), "--data", npz, "--out", output,
                "--train-speakers", string.Join(',', train), "--val-speakers", string.Join(',', validation), "--exclude-speakers", string.Join(',', excluded),
                "--epochs", Invariant(Options.Epochs), "--seed", Invariant(seed), "--threads", Invariant(Options.Threads),
                "--width", width, "--test-crops", Invariant(Options.TestCrops), "--warp", Options.Warp.ToString("R", CultureInfo.InvariantCulture),
                "--precision", precision,
            };
            if (Options.ClipLimit is { } n)
            {
                args.AddRange(["--limit", Invariant(n)]);
            }

            var (code, log) = Run(Options.Python, args, progress, null, cancellationToken);
            if (code != 0 || !File.Exists(Path.Combine(output, "model.onnx")))
            {
                throw new CnnTrainingException($"The CNN trainer failed (exit code {code}): {LastLines(log, 6)}");
            }

            return new CnnTrainingResult(output, CnnModel.Load(Path.Combine(output, "model.onnx")), false);
        }
    }

    private string Key(JsonObject request) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.ToJsonString() + "|" + Options.TestCrops)))[..16];

    /// <summary>Unpacks the shipped Python scripts (once per version) and returns their folder.</summary>
    public string Scripts()
    {
        var names = typeof(CnnTrainer).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        var texts = names.ToDictionary(n => n[ResourcePrefix.Length..], n => ReadScript(n[ResourcePrefix.Length..]));
        string version = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(texts.Select(t => t.Key + "\n" + t.Value)))))[..12];
        string folder = Path.Combine(Options.CacheDirectory, "scripts-" + version);
        if (!File.Exists(Path.Combine(folder, "train_cnn.py")))
        {
            string temporary = folder + ".tmp" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
            Directory.CreateDirectory(temporary);
            foreach (var (name, text) in texts)
            {
                File.WriteAllText(Path.Combine(temporary, name), text);
            }

            try
            {
                Directory.Move(temporary, folder);
            }
            catch (IOException) when (File.Exists(Path.Combine(folder, "train_cnn.py")))
            {
                Directory.Delete(temporary, true); // another process unpacked the same version first
            }
        }

        return folder;
    }

    private string ExportOnce(LogMelCorpus root)
    {
        string path = Path.Combine(Options.CacheDirectory, "data", root.ContentHash()[..16] + ".npz");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            root.Save(path);
        }

        return path;
    }

    /// <summary>The export's SHA-256, streamed (a corpus export is tens of MB).</summary>
    private static string FileSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// Cached model folders whose training record matches <paramref name="request"/>, in one pass over the cache: the
    /// first scoring <paramref name="testCrops"/> test-time crops, and the first scoring another count (null when none).
    /// </summary>
    private static (string? Exact, string? OtherCrops) FindCached(string models, JsonObject request, int testCrops)
    {
        string? other = null;
        if (!Directory.Exists(models))
        {
            return (null, null);
        }

        foreach (var folder in Directory.GetDirectories(models).Order(StringComparer.Ordinal))
        {
            var sidecar = Path.Combine(folder, "model.json");
            if (!File.Exists(sidecar) || !File.Exists(Path.Combine(folder, "model.onnx")))
            {
                continue;
            }

            try
            {
                if (JsonNode.Parse(File.ReadAllText(sidecar)) is JsonObject json && json["training"] is JsonObject training
                    && request.All(p => JsonNode.DeepEquals(p.Value, training[p.Key] ?? RecordDefault(p.Key))))
                {
                    if (json["testCrops"]?.GetValue<int>() == testCrops)
                    {
                        return (folder, null);
                    }

                    other ??= folder;
                }
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or FormatException)
            {
                // A damaged cache entry is ignored (and retrained elsewhere under the request's key).
            }
        }

        return (null, other);
    }

    /// <summary>What a sidecar written before a field existed meant by its absence: float32 training, one seed.</summary>
    private static JsonNode? RecordDefault(string key) => key switch
    {
        "precision" => JsonValue.Create("fp32"),
        "seeds" => JsonValue.Create(1),
        _ => null,
    };

    private static (int Code, string Output) Run(string file, IEnumerable<string> args, IProgress<string>? progress, string? workingDirectory, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new CnnTrainingException($"{file} could not be started.");
        var output = new StringBuilder();
        void OnLine(object? _, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            progress?.Report(e.Data);
        }

        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using (cancellationToken.Register(() =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already exited
            }
        }))
        {
            process.WaitForExit();
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static string ReadScript(string name)
    {
        using var stream = typeof(CnnTrainer).Assembly.GetManifestResourceStream(ResourcePrefix + name) ?? throw new InvalidOperationException($"The CNN script {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string LastLines(string text, int n) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(n));

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"RECIPE_VERSION\s*=\s*(\d+)")]
    private static partial Regex RecipePattern();
}

/// <summary>A trained (or reused) CNN.</summary>
/// <param name="Folder">Where its <c>model.onnx</c>, <c>model.json</c> and <c>model.pt</c> are.</param>
/// <param name="Model">The imported model (the caller disposes it).</param>
/// <param name="Reused">Whether it came from the cache.</param>
public sealed record CnnTrainingResult(string Folder, CnnModel Model, bool Reused);

/// <summary>The CNN could not be trained: Python or torch is missing, or the trainer failed.</summary>
public sealed class CnnTrainingException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong and what to do.</param>
    public CnnTrainingException(string message)
        : base(message)
    {
    }
}
