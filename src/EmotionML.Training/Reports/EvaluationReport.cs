using System.Globalization;
using System.Text;
using System.Text.Json;
using EmotionML.Training.Evaluation;

namespace EmotionML.Training.Reports;

/// <summary>
/// Writes an evaluation as JSON (<c>accuracy</c>, <c>macroF1</c>, <c>weightedF1</c>, <c>perClass</c>,
/// <c>confusion</c> with its label order), Markdown, and ScottPlot pictures of the confusion matrix and the
/// per-class scores (SVG and PNG).
/// </summary>
public static class EvaluationReport
{
    /// <summary>The JSON document of an evaluation.</summary>
    /// <param name="metrics">The metrics.</param>
    /// <param name="context">Extra top-level fields (model, data, split...).</param>
    public static string ToJson(ClassificationMetrics metrics, IReadOnlyDictionary<string, object?>? context = null)
    {
        var doc = new Dictionary<string, object?>();
        foreach (var (key, value) in context ?? new Dictionary<string, object?>())
        {
            doc[key] = value;
        }

        doc["count"] = metrics.Count;
        doc["accuracy"] = Math.Round(metrics.Accuracy, 6);
        doc["macroF1"] = Math.Round(metrics.MacroF1, 6);
        doc["weightedF1"] = Math.Round(metrics.WeightedF1, 6);
        doc["perClass"] = metrics.PerClass.Select(c => new { label = c.Label, precision = Math.Round(c.Precision, 6), recall = Math.Round(c.Recall, 6), f1 = Math.Round(c.F1, 6), support = c.Support }).ToArray();
        doc["confusion"] = new
        {
            labels = metrics.Labels,
            rowsAreTrueLabels = true,
            matrix = Enumerable.Range(0, metrics.Labels.Count).Select(i => Enumerable.Range(0, metrics.Labels.Count).Select(j => metrics.Confusion[i, j]).ToArray()).ToArray(),
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>A Markdown table of the per-class scores and the confusion matrix.</summary>
    /// <param name="metrics">The metrics.</param>
    /// <param name="title">The heading.</param>
    /// <param name="description">Lines describing model, data and split.</param>
    public static string ToMarkdown(ClassificationMetrics metrics, string title, IEnumerable<string> description)
    {
        var b = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        b.AppendLine($"# {title}").AppendLine();
        foreach (var line in description)
        {
            b.AppendLine($"- {line}");
        }

        b.AppendLine().AppendLine(string.Create(inv, $"**Accuracy {metrics.Accuracy:F3} · macro-F1 {metrics.MacroF1:F3} · weighted-F1 {metrics.WeightedF1:F3}** over {metrics.Count} clips.")).AppendLine();
        b.AppendLine("| class | precision | recall | F1 | support |").AppendLine("|---|---:|---:|---:|---:|");
        foreach (var c in metrics.PerClass)
        {
            b.AppendLine(string.Create(inv, $"| {c.Label} | {c.Precision:F3} | {c.Recall:F3} | {c.F1:F3} | {c.Support} |"));
        }

        b.AppendLine().AppendLine("Confusion matrix (rows: true label, columns: predicted):").AppendLine();
        b.AppendLine("| | " + string.Join(" | ", metrics.Labels) + " |").AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", metrics.Labels.Count)));
        for (int i = 0; i < metrics.Labels.Count; i++)
        {
            b.AppendLine($"| **{metrics.Labels[i]}** | " + string.Join(" | ", Enumerable.Range(0, metrics.Labels.Count).Select(j => metrics.Confusion[i, j])) + " |");
        }

        b.AppendLine().AppendLine("![confusion matrix](confusion.svg) ![per-class scores](per-class.svg)");
        return b.ToString();
    }

    /// <summary>Writes report.json, report.md, confusion.svg/png and per-class.svg/png into a folder.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="metrics">The metrics.</param>
    /// <param name="title">The heading.</param>
    /// <param name="description">Lines describing model, data and split.</param>
    /// <param name="context">Extra JSON fields.</param>
    /// <param name="moreMarkdown">Sections appended to report.md (Markdown), or null.</param>
    public static void Write(string directory, ClassificationMetrics metrics, string title, IReadOnlyList<string> description, IReadOnlyDictionary<string, object?>? context = null, string? moreMarkdown = null)
    {
        Directory.CreateDirectory(directory);
        AtomicWrite(Path.Combine(directory, "report.json"), ToJson(metrics, context));
        AtomicWrite(Path.Combine(directory, "report.md"), ToMarkdown(metrics, title, description) + moreMarkdown);
        Charts.ConfusionMatrix(metrics, title).SaveSvgAndPng(Path.Combine(directory, "confusion"), 640, 560);
        Charts.PerClass(metrics, title).SaveSvgAndPng(Path.Combine(directory, "per-class"), 720, 420);
    }

    internal static void AtomicWrite(string path, string text) => AtomicFile.WriteAllText(path, text);
}
