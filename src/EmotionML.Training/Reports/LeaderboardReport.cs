using System.Globalization;
using System.Text;
using System.Text.Json;
using EmotionML.Training.AutoML;

namespace EmotionML.Training.Reports;

/// <summary>The experiment's leaderboard as JSON and Markdown, with each trainer's best.</summary>
public static class LeaderboardReport
{
    /// <summary>Writes leaderboard.json and leaderboard.md into a folder.</summary>
    public static void Write(string directory, ExperimentResult result)
    {
        Directory.CreateDirectory(directory);
        var rows = result.Leaderboard.Select(t => new
        {
            rank = 0,
            trial = t.Index,
            trainer = t.Config.Trainer.ToString(),
            speakerNormalization = t.Config.SpeakerNormalization,
            speakerShrinkage = t.Config.SpeakerShrinkage,
            parameters = t.Config.Parameters.ToDictionary(),
            mean = Math.Round(t.Mean, 6),
            std = Math.Round(t.Std, 6),
            folds = t.FoldScores.Select(s => Math.Round(s, 6)).ToArray(),
            seconds = Math.Round(t.Duration.TotalSeconds, 2),
        }).Select((r, i) => r with { rank = i + 1 }).ToArray();
        EvaluationReport.AtomicWrite(Path.Combine(directory, "leaderboard.json"), JsonSerializer.Serialize(new { metric = result.Metric.ToString(), split = result.Folds.Description, trials = rows }, new JsonSerializerOptions { WriteIndented = true }));

        var b = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        b.AppendLine($"# Leaderboard ({result.Metric}, {result.Folds.Description})").AppendLine();
        b.AppendLine("Best of each trainer:").AppendLine().AppendLine("| trainer | speaker norm. | mean ± std | trial | seconds |").AppendLine("|---|---|---|---:|---:|");
        foreach (var t in result.BestPerTrainer)
        {
            b.AppendLine(string.Create(inv, $"| {t.Config.Trainer} | {(t.Config.SpeakerNormalization ? "yes" : "no")} | {t.Mean:F3} ± {t.Std:F3} | {t.Index} | {t.Duration.TotalSeconds:F1} |"));
        }

        b.AppendLine().AppendLine("All trials:").AppendLine().AppendLine("| rank | trial | pipeline | mean ± std | seconds |").AppendLine("|---:|---:|---|---|---:|");
        int rank = 1;
        foreach (var t in result.Leaderboard)
        {
            b.AppendLine(string.Create(inv, $"| {rank++} | {t.Index} | {t.Config} | {t.Mean:F3} ± {t.Std:F3} | {t.Duration.TotalSeconds:F1} |"));
        }

        EvaluationReport.AtomicWrite(Path.Combine(directory, "leaderboard.md"), b.ToString());
    }
}
