using System.Globalization;
using EmotionML.Features;
using EmotionML.Training;
using EmotionML.Training.AutoML;
using EmotionML.Training.Augmentation;
using EmotionML.Training.Corpora;
using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;
using EmotionML.Training.Reports;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EmotionML.Cli;

/// <summary>
/// <c>emotionml train</c>: reads a corpus, extracts (cached) features, runs the speaker-grouped AutoML
/// experiment with a live leaderboard, and writes the model bundle and its report.
/// </summary>
public sealed class TrainCommand : Command<TrainSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellationToken)
    {
        var err = ConsoleOutput.Errors;
        var features = FeatureOptions.Default;
        var (corpus, data) = CorpusLoader.Load(settings, features, cancellationToken);
        if (data.Labels.Count < 2 || data.Speakers.Distinct().Count() < 2)
        {
            err.MarkupLine("[red]error:[/] training needs at least two classes and two speakers.");
            return 2;
        }

        if (settings.Augment > 0)
        {
            var cache = settings.NoCache ? null : new FeatureCache(settings.Cache ?? FeatureCache.DefaultDirectory);
            data = ConsoleOutput.WithProgress("Augmenting", 1, _ => data.WithAugmentation(new AugmentationOptions { Copies = settings.Augment }, new SpeechFeatureExtractor(features), cache, settings.Seed, settings.Threads, cancellationToken));
            err.MarkupLineInterpolated($"[grey]augmentation: {settings.Augment} copies per training clip ({data.Augmentation!.Describe()})[/]");
        }

        var folds = settings.Format == CorpusFormat.Ravdess && settings.Folds == 5 && data.Speakers.All(IsActor1To20)
            ? SpeakerGroupedFolds.RavdessByActor(data.Speakers)
            : SpeakerGroupedFolds.Balanced(data.Speakers, settings.Folds, settings.Seed);
        var options = new ExperimentOptions
        {
            TimeBudget = TimeSpan.FromSeconds(settings.Time),
            Metric = settings.Metric == "accuracy" ? OptimizationMetric.Accuracy : OptimizationMetric.MacroF1,
            FoldAssignment = folds,
            Seed = settings.Seed,
            MaxTrials = settings.MaxTrials,
            Trainers = ParseTrainers(settings.Trainers),
            SpeakerNormalization = settings.SpeakerNorm switch { "always" => SpeakerNormalizationChoice.Always, "never" => SpeakerNormalizationChoice.Never, _ => SpeakerNormalizationChoice.Search },
            Threads = settings.Threads > 0 ? settings.Threads : Environment.ProcessorCount,
        };
        err.MarkupLineInterpolated($"[grey]{folds.Description}; budget {settings.Time:F0} s; metric {settings.Metric}[/]");

        var experiment = new EmotionExperiment(options);
        ExperimentResult result;
        if (ConsoleOutput.Interactive)
        {
            var table = LeaderboardTable([]);
            result = err.Live(table).Start(ctx =>
            {
                var trials = new List<TrialResult>();
                return experiment.Run(data, new SyncProgress<TrialResult>(t =>
                {
                    trials.Add(t);
                    ctx.UpdateTarget(LeaderboardTable(trials));
                }), cancellationToken);
            });
        }
        else
        {
            result = experiment.Run(data, new SyncProgress<TrialResult>(t => err.WriteLine(t.ToString())), cancellationToken);
        }

        var bundle = BundleWriter.Create(result, data, Path.GetFullPath(settings.Data), features);
        bundle.Save(settings.Out);
        BundleWriter.WriteReport(settings.Out, result, data);
        if (!settings.NoImportance)
        {
            var importance = FeatureImportance.Compute(result, data);
            FeatureImportance.Write(BundleWriter.ReportDirectory(settings.Out), importance,
                $"Winner: {result.Best.Config}. Fitted without the speakers of fold 1 ({string.Join(", ", result.Folds.SpeakersPerFold[0])}) and measured on them; each feature column shuffled 3 times.");
        }

        var m = result.CrossValidatedMetrics;
        var summary = new Table().Title($"{corpus.Name}: best of each trainer ({folds.Description})").AddColumns("trainer", "speaker norm.", settings.Metric + " mean ± std", "trial");
        foreach (var t in result.BestPerTrainer)
        {
            summary.AddRow(t.Config.Trainer.ToString(), t.Config.SpeakerNormalization ? "yes" : "no", string.Create(CultureInfo.InvariantCulture, $"{t.Mean:F3} ± {t.Std:F3}"), t.Index.ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(summary);
        AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Winner: {result.Best.Config}\nCross-validated (out-of-fold, {data.Count} clips): accuracy {m.Accuracy:F3}, macro-F1 {m.MacroF1:F3}, weighted-F1 {m.WeightedF1:F3}\n{result.Trials.Count} trials in {result.Elapsed.TotalSeconds:F0} s (stopped: {result.StoppedBecause})\nModel: {Path.GetFullPath(settings.Out)}\nReport: {BundleWriter.ReportDirectory(settings.Out)}"));
        return 0;
    }

    private static bool IsActor1To20(string speaker) => speaker.StartsWith("ravdess:", StringComparison.Ordinal) && int.TryParse(speaker[8..], out int a) && a is >= 1 and <= 20;

    private static TrainerKind[]? ParseTrainers(string? list) => list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => t.ToLowerInvariant() switch
    {
        "lightgbm" => TrainerKind.LightGbm,
        "fasttree" => TrainerKind.FastTree,
        "fastforest" => TrainerKind.FastForest,
        "sdca" => TrainerKind.SdcaMaximumEntropy,
        "lbfgs" => TrainerKind.LbfgsMaximumEntropy,
        _ => throw new ArgumentException($"Unknown trainer '{t}' (lightgbm, fasttree, fastforest, sdca, lbfgs)."),
    }).ToArray();

    private static Table LeaderboardTable(IReadOnlyList<TrialResult> trials)
    {
        var table = new Table().Title("Leaderboard (speaker-grouped cross-validation)").AddColumns("#", "trial", "pipeline", "mean ± std", "s");
        int rank = 1;
        foreach (var t in trials.OrderByDescending(t => t.Mean).ThenBy(t => t.Index).Take(12))
        {
            table.AddRow((rank++).ToString(CultureInfo.InvariantCulture), t.Index.ToString(CultureInfo.InvariantCulture), Markup.Escape(t.Config.ToString()),
                string.Create(CultureInfo.InvariantCulture, $"{t.Mean:F3} ± {t.Std:F3}"), t.Duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture));
        }

        return table;
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
