using System.Globalization;
using EmotionML.Training.Cnn;
using EmotionML.Training.Corpora;

namespace EmotionML.Cli;

/// <summary>Arguments of <c>emotionml train</c>.</summary>
public sealed class TrainSettings : CorpusSettings
{
    /// <summary>The model bundle to write.</summary>
    public string Out { get; set; } = "";

    /// <summary>Search budget, seconds.</summary>
    public double Time { get; set; } = 60;

    /// <summary>macro-f1 or accuracy.</summary>
    public string Metric { get; set; } = "macro-f1";

    /// <summary>Speaker-grouped folds.</summary>
    public int Folds { get; set; } = 5;

    /// <summary>Seed.</summary>
    public int Seed { get; set; }

    /// <summary>Trial limit.</summary>
    public int? MaxTrials { get; set; }

    /// <summary>Trainers to search.</summary>
    public string? Trainers { get; set; }

    /// <summary>Speaker normalisation choice.</summary>
    public string SpeakerNorm { get; set; } = "search";

    /// <summary>Augmented copies per training clip.</summary>
    public int Augment { get; set; }

    /// <summary>Run nested evaluation.</summary>
    public bool Nested { get; set; } = true;

    /// <summary>Enrolment clips for speaker-normalised candidates.</summary>
    public int Enrol { get; set; } = 8;

    /// <summary>CNN candidates: auto, on or off.</summary>
    public string Cnn { get; set; } = "auto";

    /// <summary>CNN epochs.</summary>
    public int CnnEpochs { get; set; } = 60;

    /// <summary>CNN width.</summary>
    public string CnnWidth { get; set; } = "compact";

    /// <summary>CNN frequency-warp augmentation.</summary>
    public double CnnWarp { get; set; }

    /// <summary>Train the CNN again on all training speakers once the blend weight is chosen.</summary>
    public bool CnnRefit { get; set; }

    /// <summary>CNN training arithmetic.</summary>
    public string CnnPrecision { get; set; } = "fp32";

    /// <summary>Seeds averaged into the CNN.</summary>
    public int CnnSeeds { get; set; } = 1;

    /// <summary>Test-time crops the CNN scores each clip with.</summary>
    public int CnnCrops { get; set; } = 3;

    /// <summary>Only this many training clips per CNN (smoke runs).</summary>
    public int? CnnLimit { get; set; }

    /// <summary>How a blend scores clips its domain check flags.</summary>
    public string CnnOutOfDomain { get; set; } = "cnn";

    /// <summary>Where the shipped model's temperature is fitted.</summary>
    public string CalibrateOn { get; set; } = "auto";

    /// <summary>Skip permutation feature importance.</summary>
    public bool NoImportance { get; set; }

    /// <summary>The command line's options for these settings.</summary>
    internal static CommandDefinition<TrainSettings> Define(string name, string description) => Define<TrainSettings>(name, description)
        .Option<string>("-o|--out", "MODEL", "The model bundle to write (the report goes to MODEL.report/ beside it)", (s, v) => s.Out = v)
        .Option<double>("--time", "SECONDS", "Time budget in seconds for the whole run (default 60). With nested evaluation (the default) it is split equally between the final search and one search per outer fold", (s, v) => s.Time = v)
        .Option<string>("--metric", "METRIC", "macro-f1 (default) or accuracy", (s, v) => s.Metric = v)
        .Option<int>("--folds", "N", "Speaker-grouped folds (default 5; RAVDESS actors 01-20 use fold k = actors 4k+1..4k+4; N >= speakers is leave-one-speaker-out)", (s, v) => s.Folds = v)
        .Option<int>("--seed", "N", "Seed for folds and search (default 0)", (s, v) => s.Seed = v)
        .Option<int>("--max-trials", "N", "Stop after N trials (with --seed: a reproducible leaderboard)", (s, v) => s.MaxTrials = v)
        .Option<string>("--trainers", "LIST", "Comma-separated trainers: lightgbm, fasttree, fastforest, sdca, lbfgs (default: all)", (s, v) => s.Trainers = v)
        .Option<string>("--speaker-norm", "MODE", "search (default), always or never", (s, v) => s.SpeakerNorm = v)
        .Option<int>("--augment", "N", "Add N augmented copies (noise, shift, gain, speed) of every training clip; validation clips are never augmented (default 0)", (s, v) => s.Augment = v)
        .Option<bool>("--nested", "BOOL", "Nested evaluation (default true): the whole search runs again inside each outer speaker-grouped fold and its winner is scored once on the held-out speakers; this is the figure to quote. false: only the final search's own (optimistic) cross-validation", (s, v) => s.Nested = v)
        .Option<int>("--enrol", "K", "Speaker-normalised candidates score each held-out clip with a profile from K other clips of its speaker (default 8; 0 = all of the speaker's other clips)", (s, v) => s.Enrol = v)
        .Option<string>("--cnn", "MODE", "Also train the log-mel CNN (PyTorch, scripts/cnn) and choose the tree winner, the CNN or a blend: auto (default: on when Python with torch is present, with a message when it is not), on, off", (s, v) => s.Cnn = v)
        .Option<int>("--cnn-epochs", "N", "CNN training epochs (default 60; about 9 s each per 800 clips on 2 CPU cores)", (s, v) => s.CnnEpochs = v)
        .Option<string>("--cnn-width", "WIDTH", "compact (default), wide (twice the convolutions: about 3.3x the training time, 5x the prediction time) or compact+wide (one net of each, averaged)", (s, v) => s.CnnWidth = v)
        .Option<double>("--cnn-warp", "W", "Vocal-tract-length perturbation while training the CNN: frequencies of each training crop scaled by a random factor between 1-W and 1+W (default 0: off; 0-0.3)", (s, v) => s.CnnWarp = v)
        .Flag("--cnn-refit", "Once the blend weight is chosen (on a CNN that left 3 training speakers out), train the CNN again on all training speakers and ship that one: a second CNN training, also in every outer fold of the nested estimate", (s, v) => s.CnnRefit = v)
        .Option<string>("--cnn-precision", "P", "fp32 (default), bf16 (bfloat16 autocast: about 1.6x faster per epoch on CPUs with avx512_bf16 or amx_bf16) or auto (bf16 where the CPU has it)", (s, v) => s.CnnPrecision = v)
        .Option<int>("--cnn-seeds", "N", "Train the CNN with N seeds and average them into one model (default 1; N times the training and CNN prediction time)", (s, v) => s.CnnSeeds = v)
        .Option<int>("--cnn-crops", "N", "Test-time crops averaged per clip when the CNN scores (default 3; 1 is about a third of the CNN's prediction time). A net cached with another count is reused, not trained again", (s, v) => s.CnnCrops = v)
        .Option<int>("--cnn-limit", "N", "Train each CNN on at most N clips (smoke runs only)", (s, v) => s.CnnLimit = v)
        .Option<string>("--cnn-out-of-domain", "HOW", "How a tree + CNN blend scores clips its domain check flags (pooled features unlike the training data's): cnn (default: the CNN alone, whose input is normalised per clip) or blend", (s, v) => s.CnnOutOfDomain = v)
        .Option<string>("--calibrate-on", "WHERE", "Where the shipped model's temperature is fitted: search (the final search's own held-out clips: its trees' out-of-fold predictions, or for a blend the 3 selection speakers' clips), nested (the nested evaluation's held-out predictions of every clip; its estimate cross-fitted over the outer folds) or auto (default: nested when the nested evaluation ran and the model carries a CNN, search otherwise)", (s, v) => s.CalibrateOn = v)
        .Flag("--no-importance", "Skip the permutation feature importance report", (s, v) => s.NoImportance = v);

    /// <inheritdoc />
    public override string? Validate()
    {
        if (base.Validate() is { } error)
        {
            return error;
        }

        if (string.IsNullOrWhiteSpace(Out))
        {
            return "--out MODEL is required.";
        }

        if (Time <= 0)
        {
            return "--time must be positive.";
        }

        if (MaxTrials is < 1)
        {
            return "--max-trials must be at least 1.";
        }

        if (Enrol < 0)
        {
            return "--enrol must be 0 (all other clips) or a positive number of clips.";
        }

        if (Cnn is not ("auto" or "on" or "off") || CnnWidth is not ("compact" or "wide" or "compact+wide") || CnnEpochs < 1 || CnnLimit is < 1 || !(CnnWarp is >= 0 and <= CnnTrainingOptions.MaxWarp)
            || CnnPrecision is not ("fp32" or "bf16" or "auto") || CnnSeeds is < 1 or > CnnTrainingOptions.MaxSeeds || CnnCrops is < 1 or > 16)
        {
            return $"--cnn must be auto, on or off; --cnn-width compact, wide or compact+wide; --cnn-epochs and --cnn-limit at least 1; --cnn-warp between 0 and {CnnTrainingOptions.MaxWarp.ToString(CultureInfo.InvariantCulture)}; --cnn-precision fp32, bf16 or auto; --cnn-seeds 1 to {CnnTrainingOptions.MaxSeeds}; --cnn-crops 1 to 16.";
        }

        if (CnnOutOfDomain is not ("cnn" or "blend"))
        {
            return "--cnn-out-of-domain must be cnn or blend.";
        }

        if (CalibrateOn is not ("auto" or "search" or "nested"))
        {
            return "--calibrate-on must be auto, search or nested.";
        }

        if (CalibrateOn == "nested" && !Nested)
        {
            return "--calibrate-on nested needs the nested evaluation (--nested true).";
        }

        return Metric is "macro-f1" or "accuracy" ? null : "--metric must be macro-f1 or accuracy.";
    }
}
