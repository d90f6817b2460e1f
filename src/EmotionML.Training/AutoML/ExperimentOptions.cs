using EmotionML.Training.Evaluation;

namespace EmotionML.Training.AutoML;

/// <summary>Settings of an <see cref="EmotionExperiment"/>.</summary>
public sealed record ExperimentOptions
{
    /// <summary>Wall-clock budget for the search (default 60 s); the winner's refit comes after it.</summary>
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Stop after this many trials even if time remains (null: no limit). With a fixed seed, the same trial count gives the same leaderboard.</summary>
    public int? MaxTrials { get; init; }

    /// <summary>The metric maximised (default macro-F1).</summary>
    public OptimizationMetric Metric { get; init; } = OptimizationMetric.MacroF1;

    /// <summary>Number of speaker-grouped folds (default 5; capped at the number of speakers).</summary>
    public int Folds { get; init; } = 5;

    /// <summary>Explicit folds (e.g. <see cref="Data.SpeakerGroupedFolds.RavdessByActor"/>); overrides <see cref="Folds"/>.</summary>
    public Data.SpeakerGroupedFolds? FoldAssignment { get; init; }

    /// <summary>Seed for folds and the search (default 0).</summary>
    public int Seed { get; init; }

    /// <summary>Trainers searched (null: all).</summary>
    public IReadOnlyCollection<TrainerKind>? Trainers { get; init; }

    /// <summary>Trainers never searched (applied after <see cref="Trainers"/>).</summary>
    public IReadOnlyCollection<TrainerKind>? ExcludedTrainers { get; init; }

    /// <summary>Whether to try speaker normalisation.</summary>
    public SpeakerNormalizationChoice SpeakerNormalization { get; init; } = SpeakerNormalizationChoice.Search;

    /// <summary>
    /// Enrolment clips per held-out speaker when scoring speaker-normalised candidates (default 8; 0: all of the
    /// speaker's other clips). Each scored clip gets a profile from this many other clips of its speaker, drawn at
    /// random, never itself.
    /// </summary>
    public int EnrolmentClips { get; init; } = 8;

    /// <summary>Threads given to trainers (default: one per core; LightGBM needs an explicit count).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Also train the log-mel CNN and choose between the tree winner, the CNN and a blend (needs
    /// <see cref="Data.EmotionDataset.WithLogMel"/> and Python with torch); null (default) for trees only.
    /// </summary>
    public Cnn.CnnTrainingOptions? Cnn { get; init; }
}
