using System.Globalization;
using EmotionML.Features;
using EmotionML.Training;
using EmotionML.Training.AutoML;
using EmotionML.Training.Cnn;
using EmotionML.Training.Augmentation;
using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;
using EmotionML.Training.Reports;
using Spectre.Console;

namespace EmotionML.Cli;

/// <summary>
/// <c>emotionml train</c>: reads a corpus, extracts (cached) features, runs the speaker-grouped AutoML
/// experiment with a live leaderboard, estimates the searched model by nested evaluation, and writes the model
/// bundle and its report. A first Ctrl+C ends the search (or skips what remains of the nested evaluation), refits
/// the best candidate so far and saves it; a second aborts with nothing written.
/// </summary>
public static class TrainCommand
{
    /// <summary>Runs the command; returns the process' exit code.</summary>
    public static int Execute(TrainSettings settings, CancellationToken cancellationToken)
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

        CnnTrainingOptions? cnnOptions = null;
        if (settings.Cnn != "off")
        {
            var python = new CnnTrainingOptions().Python;
            if (CnnTrainer.Unavailable(python) is { } reason)
            {
                if (settings.Cnn == "on")
                {
                    err.MarkupLineInterpolated($"[red]error:[/] --cnn on: {reason}");
                    return 2;
                }

                err.MarkupLineInterpolated($"[yellow]CNN candidates skipped:[/] {reason}");
            }
            else
            {
                cnnOptions = new CnnTrainingOptions { Epochs = settings.CnnEpochs, Width = settings.CnnWidth, Warp = settings.CnnWarp, Refit = settings.CnnRefit, CnnAloneOutOfDomain = settings.CnnOutOfDomain == "cnn", Precision = settings.CnnPrecision, Seeds = settings.CnnSeeds, TestCrops = settings.CnnCrops, Seed = settings.Seed, Threads = settings.Threads, ClipLimit = settings.CnnLimit };
                if (settings.Cache is { } cacheRoot)
                {
                    cnnOptions = cnnOptions with { CacheDirectory = Path.Combine(cacheRoot, "cnn") };
                }

                var mel = ConsoleOutput.WithProgress($"Computing log-mel spectrograms ({corpus.Items.Count} clips)", corpus.Items.Count,
                    progress => LogMelCorpus.Build(corpus, LogMelFeatureOptions.Default, settings.Threads, progress, cancellationToken));
                data = data.WithLogMel(mel);
                err.MarkupLineInterpolated($"[grey]CNN candidates: {settings.CnnWidth} log-mel CNN, {settings.CnnEpochs} epochs{(settings.CnnWarp > 0 ? $", frequency warp ±{settings.CnnWarp:0.##}" : "")}{(settings.CnnRefit ? ", refitted on all training speakers" : "")}{(settings.CnnSeeds > 1 ? $", {settings.CnnSeeds} seeds averaged" : "")}{(settings.CnnCrops != 3 ? $", {settings.CnnCrops} test-time crops" : "")}, {cnnOptions.ResolvedPrecision}, trained with {python} (models cached in {cnnOptions.CacheDirectory})[/]");
            }
        }

        var folds = SpeakerGroupedFolds.Standard(data.Speakers, settings.Folds, settings.Seed);
        // The budget is split equally between the final search and one search per outer fold.
        int searches = settings.Nested ? folds.Count + 1 : 1;
        var options = new ExperimentOptions
        {
            TimeBudget = TimeSpan.FromSeconds(settings.Time / searches),
            Metric = settings.Metric == "accuracy" ? OptimizationMetric.Accuracy : OptimizationMetric.MacroF1,
            Folds = settings.Folds,
            FoldAssignment = folds,
            Seed = settings.Seed,
            MaxTrials = settings.MaxTrials,
            Trainers = ParseTrainers(settings.Trainers),
            SpeakerNormalization = settings.SpeakerNorm switch { "always" => SpeakerNormalizationChoice.Always, "never" => SpeakerNormalizationChoice.Never, _ => SpeakerNormalizationChoice.Search },
            EnrolmentClips = settings.Enrol,
            Threads = settings.Threads > 0 ? settings.Threads : Environment.ProcessorCount,
            Cnn = cnnOptions,
        };
        err.MarkupLineInterpolated($"[grey]{folds.Description}; metric {settings.Metric}; budget {settings.Time:F0} s = {searches} searches of {options.TimeBudget.TotalSeconds:F0} s ({(settings.Nested ? $"the final search, then one per outer fold for the nested estimate" : "no nested estimate")})[/]");

        var cnnLog = new SyncProgress<string>(line =>
        {
            // One line per 10 epochs, and every line that is not an epoch's.
            if (!line.StartsWith("epoch ", StringComparison.Ordinal) || line.Split(' ', 3)[1].Split('/')[0].EndsWith('0'))
            {
                err.MarkupLineInterpolated($"[grey]{line}[/]");
            }
        });
        var experiment = new EmotionExperiment(options) { Log = cnnLog };
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

        NestedResult? nested = null;
        string? nestedNote = settings.Nested ? null : "skipped with --nested false";
        if (settings.Nested && cancellationToken.IsCancellationRequested)
        {
            nestedNote = "skipped: the run was stopped with Ctrl+C";
        }
        else if (settings.Nested)
        {
            err.MarkupLineInterpolated($"[grey]nested evaluation: {folds.Count} outer folds, a {options.TimeBudget.TotalSeconds:F0} s search on each fold's training speakers[/]");
            try
            {
                nested = NestedEvaluation.Run(data, options, folds, new SyncProgress<NestedProgress>(p =>
                {
                    if (p.Finished is { } f)
                    {
                        string cnnNote = f.CnnWeight is { } w ? string.Create(CultureInfo.InvariantCulture, $", CNN weight {w:0.0}") : "";
                        err.MarkupLineInterpolated($"[grey]outer fold {f.Fold + 1}/{p.OuterFolds} ({string.Join(", ", f.HeldOutSpeakers)}): {f.Winner.Trainer}{(f.Winner.SpeakerNormalization ? "+spk-norm" : "")} after {f.Trials} trials{cnnNote} → held-out accuracy {f.Metrics.Accuracy:F3}, macro-F1 {f.Metrics.MacroF1:F3}[/]");
                    }
                }), cancellationToken, cnnLog);
            }
            catch (OperationCanceledException)
            {
                nestedNote = "stopped with Ctrl+C before every outer fold was scored";
            }
        }

        if (cancellationToken.IsCancellationRequested)
        {
            err.MarkupLineInterpolated($"[yellow]stopped:[/] saving the best candidate so far ({result.Best.Config.Trainer}, trial {result.Best.Index} of {result.Trials.Count}).");
        }

        bool calibrateOnNested = nested?.Confidence?.CrossFitted is not null && !cancellationToken.IsCancellationRequested
            && (settings.CalibrateOn == "nested" || (settings.CalibrateOn == "auto" && result.Model.Cnn is not null));
        if (calibrateOnNested)
        {
            (result, nested) = result.CalibrateOnNested(nested!);
            var fit = nested.Confidence!.CrossFitted!;
            err.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[grey]calibration: temperature {fit.Pooled.Temperature:G4} fitted on the nested held-out predictions ({data.Count} clips); cross-fitted ECE {fit.Ece:F3} (raw {nested.Confidence.EceBefore:F3})[/]");
        }
        else if (settings.CalibrateOn == "nested")
        {
            err.MarkupLine("[yellow]--calibrate-on nested: the nested evaluation did not finish; the search's own calibration is kept.[/]");
        }

        var bundle = BundleWriter.Create(result, data, Path.GetFullPath(settings.Data), features, nested);
        bundle.Save(settings.Out);
        BundleWriter.WriteReport(settings.Out, result, data, nested, nestedNote);
        if (!settings.NoImportance && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                var importance = FeatureImportance.Compute(result, data, cancellationToken: cancellationToken);
                FeatureImportance.Write(BundleWriter.ReportDirectory(settings.Out), importance,
                    $"Winner: {result.Best.Config}. Fitted without the speakers of fold 1 ({string.Join(", ", result.Folds.SpeakersPerFold[0])}) and measured on them; each feature column shuffled 3 times.");
            }
            catch (OperationCanceledException)
            {
                err.MarkupLine("[yellow]feature importance skipped (Ctrl+C).[/]");
            }
        }

        var summary = new Table().Title($"{corpus.Name}: best of each trainer in the final search (inner CV: {folds.Description})").AddColumns("trainer", "speaker norm.", settings.Metric + " mean ± std", "trial");
        foreach (var t in result.BestPerTrainer)
        {
            summary.AddRow(t.Config.Trainer.ToString(), t.Config.SpeakerNormalization ? "yes" : "no", string.Create(CultureInfo.InvariantCulture, $"{t.Mean:F3} ± {t.Std:F3}"), t.Index.ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(summary);
        var m = result.CrossValidatedMetrics;
        var lines = new List<string> { $"Winner: {result.Best.Config}" };
        if (nested is not null)
        {
            var acc = nested.FoldSummary(x => x.Accuracy);
            var f1 = nested.FoldSummary(x => x.MacroF1);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"Nested estimate (search inside each of {nested.Outer.Count} outer folds, held-out speakers; quote this): accuracy {nested.Metrics.Accuracy:F3}, macro-F1 {nested.Metrics.MacroF1:F3} (per fold {acc.Mean:F3} ± {acc.Std:F3} / {f1.Mean:F3} ± {f1.Std:F3})"));
            if (nested.Families is { } families)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"  by family (nested): tree {families["tree"].Accuracy:F3} / {families["tree"].MacroF1:F3}, CNN {families["cnn"].Accuracy:F3} / {families["cnn"].MacroF1:F3}, chosen {families["chosen"].Accuracy:F3} / {families["chosen"].MacroF1:F3} (accuracy / macro-F1)"));
            }

            foreach (var p in nested.Enrolment)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"  with enrolment of {EnrolmentProtocol.Describe(p.Clips)}: accuracy {p.Accuracy:F3}, macro-F1 {p.MacroF1:F3}"));
            }
        }
        else
        {
            lines.Add($"No nested estimate ({nestedNote}).");
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture, $"Inner cross-validation of the winner (maximised by the search, optimistic; {data.Count} clips): accuracy {m.Accuracy:F3}, macro-F1 {m.MacroF1:F3}, weighted-F1 {m.WeightedF1:F3}"));
        lines.Add($"{result.Trials.Count} trials in {result.Elapsed.TotalSeconds:F0} s (stopped: {result.StoppedBecause})");
        lines.Add($"Model: {Path.GetFullPath(settings.Out)}");
        lines.Add($"Report: {BundleWriter.ReportDirectory(settings.Out)}");
        AnsiConsole.WriteLine(string.Join('\n', lines));
        return 0;
    }

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
