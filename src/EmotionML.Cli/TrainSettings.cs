using System.ComponentModel;
using System.Globalization;
using EmotionML.Training.Cnn;
using EmotionML.Training.Corpora;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EmotionML.Cli;

/// <summary>Arguments of <c>emotionml train</c>.</summary>
public sealed class TrainSettings : CorpusSettings
{
    /// <summary>The model bundle to write.</summary>
    [CommandOption("-o|--out <MODEL>")]
    [Description("The model bundle to write (the report goes to MODEL.report/ beside it)")]
    public string Out { get; set; } = "";

    /// <summary>Search budget, seconds.</summary>
    [CommandOption("--time <SECONDS>")]
    [Description("Time budget in seconds for the whole run (default 60). With nested evaluation (the default) it is split equally between the final search and one search per outer fold")]
    [DefaultValue(60.0)]
    public double Time { get; set; } = 60;

    /// <summary>macro-f1 or accuracy.</summary>
    [CommandOption("--metric <METRIC>")]
    [Description("macro-f1 (default) or accuracy")]
    [DefaultValue("macro-f1")]
    public string Metric { get; set; } = "macro-f1";

    /// <summary>Speaker-grouped folds.</summary>
    [CommandOption("--folds <N>")]
    [Description("Speaker-grouped folds (default 5; RAVDESS actors 01-20 use fold k = actors 4k+1..4k+4; N >= speakers is leave-one-speaker-out)")]
    [DefaultValue(5)]
    public int Folds { get; set; } = 5;

    /// <summary>Seed.</summary>
    [CommandOption("--seed <N>")]
    [Description("Seed for folds and search (default 0)")]
    [DefaultValue(0)]
    public int Seed { get; set; }

    /// <summary>Trial limit.</summary>
    [CommandOption("--max-trials <N>")]
    [Description("Stop after N trials (with --seed: a reproducible leaderboard)")]
    public int? MaxTrials { get; set; }

    /// <summary>Trainers to search.</summary>
    [CommandOption("--trainers <LIST>")]
    [Description("Comma-separated trainers: lightgbm, fasttree, fastforest, sdca, lbfgs (default: all)")]
    public string? Trainers { get; set; }

    /// <summary>Speaker normalisation choice.</summary>
    [CommandOption("--speaker-norm <MODE>")]
    [Description("search (default), always or never")]
    [DefaultValue("search")]
    public string SpeakerNorm { get; set; } = "search";

    /// <summary>Augmented copies per training clip.</summary>
    [CommandOption("--augment <N>")]
    [Description("Add N augmented copies (noise, shift, gain, speed) of every training clip; validation clips are never augmented (default 0)")]
    [DefaultValue(0)]
    public int Augment { get; set; }

    /// <summary>Run nested evaluation.</summary>
    [CommandOption("--nested <BOOL>")]
    [Description("Nested evaluation (default true): the whole search runs again inside each outer speaker-grouped fold and its winner is scored once on the held-out speakers; this is the figure to quote. false: only the final search's own (optimistic) cross-validation")]
    [DefaultValue(true)]
    public bool Nested { get; set; } = true;

    /// <summary>Enrolment clips for speaker-normalised candidates.</summary>
    [CommandOption("--enrol <K>")]
    [Description("Speaker-normalised candidates score each held-out clip with a profile from K other clips of its speaker (default 8; 0 = all of the speaker's other clips)")]
    [DefaultValue(8)]
    public int Enrol { get; set; } = 8;

    /// <summary>CNN candidates: auto, on or off.</summary>
    [CommandOption("--cnn <MODE>")]
    [Description("Also train the log-mel CNN (PyTorch, scripts/cnn) and choose the tree winner, the CNN or a blend: auto (default: on when Python with torch is present, with a message when it is not), on, off")]
    [DefaultValue("auto")]
    public string Cnn { get; set; } = "auto";

    /// <summary>CNN epochs.</summary>
    [CommandOption("--cnn-epochs <N>")]
    [Description("CNN training epochs (default 60; about 9 s each per 800 clips on 2 CPU cores)")]
    [DefaultValue(60)]
    public int CnnEpochs { get; set; } = 60;

    /// <summary>CNN width.</summary>
    [CommandOption("--cnn-width <WIDTH>")]
    [Description("compact (default), wide (twice the convolutions: about 3.3x the training time, 5x the prediction time) or compact+wide (one net of each, averaged)")]
    [DefaultValue("compact")]
    public string CnnWidth { get; set; } = "compact";

    /// <summary>CNN frequency-warp augmentation.</summary>
    [CommandOption("--cnn-warp <W>")]
    [Description("Vocal-tract-length perturbation while training the CNN: frequencies of each training crop scaled by a random factor between 1-W and 1+W (default 0: off; 0-0.3)")]
    [DefaultValue(0.0)]
    public double CnnWarp { get; set; }

    /// <summary>Train the CNN again on all training speakers once the blend weight is chosen.</summary>
    [CommandOption("--cnn-refit")]
    [Description("Once the blend weight is chosen (on a CNN that left 3 training speakers out), train the CNN again on all training speakers and ship that one: a second CNN training, also in every outer fold of the nested estimate")]
    public bool CnnRefit { get; set; }

    /// <summary>CNN training arithmetic.</summary>
    [CommandOption("--cnn-precision <P>")]
    [Description("fp32 (default), bf16 (bfloat16 autocast: about 1.6x faster per epoch on CPUs with avx512_bf16 or amx_bf16) or auto (bf16 where the CPU has it)")]
    [DefaultValue("fp32")]
    public string CnnPrecision { get; set; } = "fp32";

    /// <summary>Seeds averaged into the CNN.</summary>
    [CommandOption("--cnn-seeds <N>")]
    [Description("Train the CNN with N seeds and average them into one model (default 1; N times the training and CNN prediction time)")]
    [DefaultValue(1)]
    public int CnnSeeds { get; set; } = 1;

    /// <summary>Test-time crops the CNN scores each clip with.</summary>
    [CommandOption("--cnn-crops <N>")]
    [Description("Test-time crops averaged per clip when the CNN scores (default 3; 1 is about a third of the CNN's prediction time). A net cached with another count is reused, not trained again")]
    [DefaultValue(3)]
    public int CnnCrops { get; set; } = 3;

    /// <summary>Only this many training clips per CNN (smoke runs).</summary>
    [CommandOption("--cnn-limit <N>")]
    [Description("Train each CNN on at most N clips (smoke runs only)")]
    public int? CnnLimit { get; set; }

    /// <summary>How a blend scores clips its domain check flags.</summary>
    [CommandOption("--cnn-out-of-domain <HOW>")]
    [Description("How a tree + CNN blend scores clips its domain check flags (pooled features unlike the training data's): cnn (default: the CNN alone, whose input is normalised per clip) or blend")]
    [DefaultValue("cnn")]
    public string CnnOutOfDomain { get; set; } = "cnn";

    /// <summary>Where the shipped model's temperature is fitted.</summary>
    [CommandOption("--calibrate-on <WHERE>")]
    [Description("Where the shipped model's temperature is fitted: search (the final search's own held-out clips: its trees' out-of-fold predictions, or for a blend the 3 selection speakers' clips), nested (the nested evaluation's held-out predictions of every clip; its estimate cross-fitted over the outer folds) or auto (default: nested when the nested evaluation ran and the model carries a CNN, search otherwise)")]
    [DefaultValue("auto")]
    public string CalibrateOn { get; set; } = "auto";

    /// <summary>Skip permutation feature importance.</summary>
    [CommandOption("--no-importance")]
    [Description("Skip the permutation feature importance report")]
    public bool NoImportance { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful)
        {
            return baseResult;
        }

        if (string.IsNullOrWhiteSpace(Out))
        {
            return ValidationResult.Error("--out MODEL is required.");
        }

        if (Time <= 0)
        {
            return ValidationResult.Error("--time must be positive.");
        }

        if (MaxTrials is < 1)
        {
            return ValidationResult.Error("--max-trials must be at least 1.");
        }

        if (Enrol < 0)
        {
            return ValidationResult.Error("--enrol must be 0 (all other clips) or a positive number of clips.");
        }

        if (Cnn is not ("auto" or "on" or "off") || CnnWidth is not ("compact" or "wide" or "compact+wide") || CnnEpochs < 1 || CnnLimit is < 1 || !(CnnWarp is >= 0 and <= CnnTrainingOptions.MaxWarp)
            || CnnPrecision is not ("fp32" or "bf16" or "auto") || CnnSeeds is < 1 or > CnnTrainingOptions.MaxSeeds || CnnCrops is < 1 or > 16)
        {
            return ValidationResult.Error($"--cnn must be auto, on or off; --cnn-width compact, wide or compact+wide; --cnn-epochs and --cnn-limit at least 1; --cnn-warp between 0 and {CnnTrainingOptions.MaxWarp.ToString(CultureInfo.InvariantCulture)}; --cnn-precision fp32, bf16 or auto; --cnn-seeds 1 to {CnnTrainingOptions.MaxSeeds}; --cnn-crops 1 to 16.");
        }

        if (CnnOutOfDomain is not ("cnn" or "blend"))
        {
            return ValidationResult.Error("--cnn-out-of-domain must be cnn or blend.");
        }

        if (CalibrateOn is not ("auto" or "search" or "nested"))
        {
            return ValidationResult.Error("--calibrate-on must be auto, search or nested.");
        }

        if (CalibrateOn == "nested" && !Nested)
        {
            return ValidationResult.Error("--calibrate-on nested needs the nested evaluation (--nested true).");
        }

        return Metric is "macro-f1" or "accuracy" ? ValidationResult.Success() : ValidationResult.Error("--metric must be macro-f1 or accuracy.");
    }
}
