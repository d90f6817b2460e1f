namespace EmotionML.Training.Cnn;

/// <summary>How <see cref="CnnTrainer"/> trains the log-mel CNN (the recipe itself is <c>scripts/cnn/train_cnn.py</c>'s).</summary>
public sealed record CnnTrainingOptions
{
    /// <summary>The Python with torch and onnx (default: <c>EMOTIONML_PYTHON</c>, else Debian's <c>/usr/bin/python3</c>).</summary>
    public string Python { get; init; } = Environment.GetEnvironmentVariable("EMOTIONML_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";

    /// <summary>Epochs of the fixed one-cycle schedule (default 60).</summary>
    public int Epochs { get; init; } = 60;

    /// <summary>Seed of initialisation, crops, masks and mixup (default 0).</summary>
    public int Seed { get; init; }

    /// <summary>torch CPU threads (0: one per core).</summary>
    public int Threads { get; init; }

    /// <summary>
    /// <c>compact</c> (24-48-96-128, one conv per block; default), <c>wide</c> (32-64-128-256, two convs per block), or
    /// <c>compact+wide</c>: one net of each width per seed, averaged into one model like <see cref="Seeds"/> (each
    /// trained and cached on its own; prediction costs both). artifacts/README.md records what each scored.
    /// </summary>
    public string Width { get; init; } = "compact";

    /// <summary>The widths a <see cref="Width"/> trains, one net each per seed: <c>compact+wide</c> gives both.</summary>
    public IReadOnlyList<string> MemberWidths => Width.Split('+');

    /// <summary>
    /// Vocal-tract-length perturbation: each training crop's frequency axis is scaled by a factor drawn uniformly from
    /// [1 - Warp, 1 + Warp] (piecewise-linearly above 4.8 kHz so that Nyquist stays put). 0 (default) is off; 0.1 is
    /// the setting measured in artifacts/README.md. Must be in [0, <see cref="MaxWarp"/>].
    /// </summary>
    public double Warp { get; init; }

    /// <summary>The largest <see cref="Warp"/> accepted (a ±30 % frequency scale).</summary>
    public const double MaxWarp = 0.3;

    /// <summary>
    /// Arithmetic of the training steps: <c>fp32</c> (default), <c>bf16</c> (PyTorch's bfloat16 autocast: convolutions
    /// in bfloat16, weights, optimiser and the exported model in float32) or <c>auto</c> (bf16 where the CPU has
    /// bfloat16 instructions, avx512_bf16 or amx_bf16, else fp32; see <see cref="ResolvedPrecision"/>). On such a
    /// CPU bf16 trains the compact net about 1.6 times faster per epoch; artifacts/README.md records what it scores.
    /// </summary>
    public string Precision { get; init; } = "fp32";

    /// <summary>
    /// Nets trained with seeds <see cref="Seed"/>, <see cref="Seed"/> + 1, ... (of each of <see cref="MemberWidths"/>)
    /// and averaged into one ONNX model (default 1). Each member is trained (and cached) on its own; prediction costs
    /// the members' sum.
    /// </summary>
    public int Seeds { get; init; } = 1;

    /// <summary>The largest <see cref="Seeds"/> accepted.</summary>
    public const int MaxSeeds = 8;

    /// <summary><see cref="Precision"/> with <c>auto</c> decided for this machine: <c>fp32</c> or <c>bf16</c>.</summary>
    public string ResolvedPrecision => Precision == "auto" ? (CpuHasNativeBFloat16() ? "bf16" : "fp32") : Precision;

    /// <summary>Whether this CPU has bfloat16 instructions (Linux: avx512_bf16 or amx_bf16 among /proc/cpuinfo's flags).</summary>
    public static bool CpuHasNativeBFloat16()
    {
        try
        {
            string flags = File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : "";
            return flags.Contains(" avx512_bf16", StringComparison.Ordinal) || flags.Contains(" amx_bf16", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Crops averaged at prediction time (default 3).</summary>
    public int TestCrops { get; init; } = 3;

    /// <summary>
    /// Training speakers held back from the CNN to choose the blend weight and calibrate it (default 3): the CNN
    /// never trains on them, and the tree model's probabilities for them are out-of-fold.
    /// </summary>
    public int SelectionSpeakers { get; init; } = 3;

    /// <summary>
    /// After the blend weight is chosen (on a CNN that left the <see cref="SelectionSpeakers"/> out), train the CNN
    /// again with the same recipe and seed on all training speakers and ship that one (default false: the CNN that
    /// chose the weight is shipped). Costs a second CNN training per experiment, and per outer fold in nested
    /// evaluation; artifacts/README.md records what it gave.
    /// </summary>
    public bool Refit { get; init; }

    /// <summary>
    /// Whether a blend scores the clips its domain check flags by the CNN alone (default true:
    /// <see cref="EmotionModel.CnnAloneOutOfDomain"/>; the weight is chosen as before, on the selection speakers'
    /// blends). False: every clip gets the blend. artifacts/README.md (session 15) records why and what it changed.
    /// </summary>
    public bool CnnAloneOutOfDomain { get; init; } = true;

    /// <summary>Only the first N training clips (smoke tests); null for all.</summary>
    public int? ClipLimit { get; init; }

    /// <summary>Where exports, unpacked scripts and trained models are kept (default: beside the feature cache).</summary>
    public string CacheDirectory { get; init; } = Path.Combine(Path.GetDirectoryName(Data.FeatureCache.DefaultDirectory.TrimEnd(Path.DirectorySeparatorChar))!, "cnn");

    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfNegative(Threads, nameof(Threads));
        ArgumentOutOfRangeException.ThrowIfLessThan(TestCrops, 1, nameof(TestCrops));
        ArgumentOutOfRangeException.ThrowIfLessThan(SelectionSpeakers, 1, nameof(SelectionSpeakers));
        if (!(Warp is >= 0 and <= MaxWarp))
        {
            throw new ArgumentOutOfRangeException(nameof(Warp), Warp, $"Warp must be between 0 (off) and {MaxWarp}.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(Seeds, 1, nameof(Seeds));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Seeds, MaxSeeds, nameof(Seeds));
        if (Precision is not ("fp32" or "bf16" or "auto"))
        {
            throw new ArgumentException($"Precision must be 'fp32', 'bf16' or 'auto', not '{Precision}'.", nameof(Precision));
        }

        if (Width is not ("compact" or "wide" or "compact+wide"))
        {
            throw new ArgumentException($"Width must be 'compact', 'wide' or 'compact+wide', not '{Width}'.", nameof(Width));
        }
    }
}
