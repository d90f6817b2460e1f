using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;

namespace EmotionML.Training.AutoML;

/// <summary>What an experiment found: every trial, the winner, its refitted model and its cross-validated metrics.</summary>
public sealed class ExperimentResult
{
    internal ExperimentResult(IReadOnlyList<TrialResult> trials, TrialResult best, EmotionModel model, ClassificationMetrics metrics, SpeakerGroupedFolds folds, OptimizationMetric metric, TimeSpan elapsed, string stoppedBecause, int enrolmentClips)
    {
        EnrolmentClips = enrolmentClips;
        Trials = trials;
        Best = best;
        Model = model;
        CrossValidatedMetrics = metrics;
        Folds = folds;
        Metric = metric;
        Elapsed = elapsed;
        StoppedBecause = stoppedBecause;
    }

    /// <summary>Every trial in the order it ran.</summary>
    public IReadOnlyList<TrialResult> Trials { get; }

    /// <summary>Trials best first (ties: the earlier trial).</summary>
    public IReadOnlyList<TrialResult> Leaderboard => Trials.OrderByDescending(t => t.Mean).ThenBy(t => t.Index).ToArray();

    /// <summary>The best trial of each trainer, best first.</summary>
    public IReadOnlyList<TrialResult> BestPerTrainer => Leaderboard.GroupBy(t => t.Config.Trainer).Select(g => g.First()).ToArray();

    /// <summary>The winner.</summary>
    public TrialResult Best { get; }

    /// <summary>The winner refitted on all the data, ready to score (the bundle stores it).</summary>
    public EmotionModel Model { get; }

    /// <summary>Enrolment clips per held-out speaker used to score speaker-normalised candidates (0: all other clips).</summary>
    public int EnrolmentClips { get; }

    /// <summary>
    /// The winner's out-of-fold predictions scored together (accuracy, F1s, confusion). The search chose the winner
    /// by this cross-validation, so it is optimistic; quote <see cref="NestedEvaluation"/>'s figure instead.
    /// </summary>
    public ClassificationMetrics CrossValidatedMetrics { get; }

    /// <summary>The folds used.</summary>
    public SpeakerGroupedFolds Folds { get; }

    /// <summary>The metric maximised.</summary>
    public OptimizationMetric Metric { get; }

    /// <summary>Search time.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Why the search ended: "time budget", "trial limit", "cancelled".</summary>
    public string StoppedBecause { get; }

    /// <summary>How the CNN and the blend were chosen, or null when the experiment searched trees only.</summary>
    public CnnBlendResult? Cnn { get; internal init; }

    /// <summary>
    /// Whether <see cref="Model"/>'s temperature was fitted on a nested evaluation's held-out predictions
    /// (<see cref="CalibrateOnNested"/>) instead of by the search itself.
    /// </summary>
    public bool CalibratedOnNested { get; private init; }

    /// <summary>
    /// This result with the model's temperature fitted on <paramref name="nested"/>'s raw held-out predictions (every
    /// clip scored by an outer fold's model that never heard its speaker: all the data's clips, against the search's
    /// own fit on its out-of-fold trees or, for blends, on the few selection speakers' clips), and the nested
    /// evaluation as it then describes the shipped calibration (cross-fitted). The ranking, and so every prediction,
    /// is unchanged. The model of this result passes to the returned one (dispose that one).
    /// </summary>
    /// <param name="nested">The nested evaluation of the same search on the same data.</param>
    /// <returns>The recalibrated result and the nested evaluation that describes it.</returns>
    /// <exception cref="InvalidOperationException">The nested evaluation has no cross-fitted calibration.</exception>
    public (ExperimentResult Result, NestedResult Nested) CalibrateOnNested(NestedResult nested)
    {
        ArgumentNullException.ThrowIfNull(nested);
        var described = nested.CalibrateOnNested();
        var fit = nested.Confidence!.CrossFitted!.Pooled;
        var model = Model.WithCalibration(fit, Model.Domain);
        Model.Dispose(); // its pipeline and CNN live on in the recalibrated model; only its engine pool goes
        var result = new ExperimentResult(Trials, Best, model, CrossValidatedMetrics, Folds, Metric, Elapsed, StoppedBecause, EnrolmentClips)
        {
            Cnn = Cnn,
            CalibratedOnNested = true,
        };
        return (result, described);
    }
}
