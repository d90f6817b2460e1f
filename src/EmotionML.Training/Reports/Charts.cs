using EmotionML.Training.Evaluation;
using ScottPlot;

namespace EmotionML.Training.Reports;

/// <summary>ScottPlot pictures of evaluation results.</summary>
internal static class Charts
{
    /// <summary>The confusion matrix as a heat map of row-normalised recall, with counts in the cells.</summary>
    public static Plot ConfusionMatrix(ClassificationMetrics metrics, string title)
    {
        int k = metrics.Labels.Count;
        var plot = new Plot();
        var share = new double[k, k];
        for (int i = 0; i < k; i++)
        {
            double row = Enumerable.Range(0, k).Sum(j => metrics.Confusion[i, j]);
            for (int j = 0; j < k; j++)
            {
                share[i, j] = row == 0 ? 0 : metrics.Confusion[i, j] / row;
            }
        }

        var heatmap = plot.Add.Heatmap(share);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        // Cell (i, j) is drawn centred on x = j, y = k - 1 - i (row 0 at the top).
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                var text = plot.Add.Text(metrics.Confusion[i, j].ToString(System.Globalization.CultureInfo.InvariantCulture), j, k - 1 - i);
                text.LabelFontColor = share[i, j] > 0.5 ? Colors.Black : Colors.White;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = 13;
            }
        }

        var ticks = Enumerable.Range(0, k).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks, metrics.Labels.ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks, metrics.Labels.Reverse().ToArray());
        plot.Add.ColorBar(heatmap).Label = "share of true label";
        plot.XLabel("predicted");
        plot.YLabel("true");
        plot.Title(title);
        return plot;
    }

    /// <summary>Precision, recall and F1 per class as grouped bars.</summary>
    public static Plot PerClass(ClassificationMetrics metrics, string title)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        string[] series = ["precision", "recall", "F1"];
        var bars = new List<Bar>();
        for (int c = 0; c < metrics.PerClass.Count; c++)
        {
            var m = metrics.PerClass[c];
            double[] values = [m.Precision, m.Recall, m.F1];
            for (int s = 0; s < 3; s++)
            {
                bars.Add(new Bar { Position = c * 4 + s, Value = values[s], FillColor = palette.GetColor(s) });
            }
        }

        plot.Add.Bars(bars);
        for (int s = 0; s < 3; s++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s], FillColor = palette.GetColor(s) });
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, metrics.PerClass.Count).Select(c => c * 4 + 1.0).ToArray(), metrics.Labels.ToArray());
        plot.Axes.SetLimitsY(0, 1.05);
        plot.YLabel("score");
        plot.Title(title);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>Horizontal bars of named values (e.g. permutation feature importance), largest at the top.</summary>
    public static Plot RankedBars(IReadOnlyList<(string Name, double Value)> items, string title, string valueLabel)
    {
        var plot = new Plot();
        var bars = items.Select((it, i) => new Bar { Position = items.Count - 1 - i, Value = it.Value, FillColor = Colors.SteelBlue }).ToList();
        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, items.Count).Select(i => (double)(items.Count - 1 - i)).ToArray(), items.Select(i => i.Name).ToArray());
        plot.XLabel(valueLabel);
        plot.Title(title);
        return plot;
    }

    /// <summary>Saves a plot as both SVG and PNG (path without extension).</summary>
    /// <summary>Accuracy and macro-F1 against the number of enrolment clips per speaker (evenly spaced; "all others" at the right).</summary>
    public static Plot EnrolmentCurve(IReadOnlyList<EmotionML.EnrolmentPoint> points, string title)
    {
        var plot = new Plot();
        var ordered = points.OrderBy(p => p.Clips <= 0 ? int.MaxValue : p.Clips).ToArray();
        var xs = Enumerable.Range(0, ordered.Length).Select(i => (double)i).ToArray();
        var accuracy = plot.Add.Scatter(xs, ordered.Select(p => p.Accuracy).ToArray());
        accuracy.LegendText = "accuracy";
        accuracy.MarkerSize = 8;
        var f1 = plot.Add.Scatter(xs, ordered.Select(p => p.MacroF1).ToArray());
        f1.LegendText = "macro-F1";
        f1.MarkerSize = 8;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xs, ordered.Select(p => p.Clips <= 0 ? "all others" : p.Clips.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.XLabel("enrolment clips per speaker");
        plot.YLabel("held-out speakers");
        plot.ShowLegend(Alignment.LowerRight);
        plot.Title(title);
        return plot;
    }

    /// <summary>A reliability diagram: accuracy against mean confidence per bin, before and after calibration, with the diagonal of perfect calibration.</summary>
    public static Plot Reliability(IReadOnlyList<ReliabilityBin> before, IReadOnlyList<ReliabilityBin> after, string title)
    {
        var plot = new Plot();
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "perfectly calibrated";
        foreach (var (bins, name) in new[] { (before, "raw"), (after, "calibrated") })
        {
            var used = bins.Where(b => b.Count > 0).ToArray();
            var line = plot.Add.Scatter(used.Select(b => b.Confidence).ToArray(), used.Select(b => b.Accuracy).ToArray());
            line.LegendText = name;
            line.MarkerSize = 7;
        }

        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.XLabel("mean confidence (top label)");
        plot.YLabel("accuracy");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Title(title);
        return plot;
    }

    public static void SaveSvgAndPng(this Plot plot, string pathWithoutExtension, int width, int height)
    {
        plot.SaveSvg(pathWithoutExtension + ".svg", width, height);
        plot.SavePng(pathWithoutExtension + ".png", width, height);
    }
}
