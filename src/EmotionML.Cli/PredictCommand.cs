using System.Globalization;
using EmotionML.Audio;
using Spectre.Console;

namespace EmotionML.Cli;

/// <summary>
/// <c>emotionml predict</c>: the emotion of each file with the default model or a bundle. One clear message per
/// bad file while the others still run; exit code 1 when any file failed, 2 when nothing could run.
/// </summary>
public static class PredictCommand
{
    /// <summary>Runs the command; returns the process' exit code.</summary>
    public static int Execute(PredictSettings settings, CancellationToken cancellationToken)
    {
        var (files, missing) = InputExpander.ExpandAndReport(settings.Inputs);
        if (files.Count == 0)
        {
            return FeaturesCommand.NoInput;
        }

        EmotionEngine engine;
        try
        {
            var options = new EngineOptions { CnnTestCrops = settings.CnnCrops };
            engine = settings.Model is null ? EmotionEngine.LoadDefault(options) : EmotionEngine.Load(settings.Model, options);
        }
        catch (ModelBundleException ex)
        {
            ConsoleOutput.Errors.MarkupLineInterpolated($"[red]error:[/] {settings.Model ?? "default model"}: {ex.Message}");
            return 2;
        }

        using (engine)
        {
            if (engine.RequiresSpeakerProfile)
            {
                ConsoleOutput.Errors.MarkupLine("[red]error:[/] this model needs speaker profiles (speaker normalisation); use the library's CreateSpeakerProfile, or a model trained with --speaker-norm never.");
                return 2;
            }

            var records = new PredictionRecord[files.Count];
            ConsoleOutput.WithProgress($"Predicting ({files.Count} files)", files.Count, progress =>
            {
                int done = 0;
                Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = settings.Threads > 0 ? settings.Threads : Environment.ProcessorCount, CancellationToken = cancellationToken }, i =>
                {
                    try
                    {
                        EmotionPrediction? whole = null;
                        IReadOnlyList<EmotionSegment>? segments = null;
                        if (settings.Segments)
                        {
                            using var stream = File.OpenRead(files[i]);
                            segments = engine.PredictSegments(stream, cancellationToken: cancellationToken).ToArray();
                        }

                        if (!settings.Segments || new FileInfo(files[i]).Length < 64L * 1024 * 1024)
                        {
                            using var stream = File.OpenRead(files[i]);
                            whole = engine.Predict(stream);
                        }

                        records[i] = new PredictionRecord(files[i], whole, segments);
                    }
                    catch (Exception ex) when (ex is AudioDecodeException or SilentAudioException or IOException or UnauthorizedAccessException)
                    {
                        records[i] = new PredictionRecord(files[i], null, null, ex.Message);
                    }

                    progress?.Report(Interlocked.Increment(ref done));
                });
                return 0;
            });

            Write(settings.Format, records, engine.Labels, settings.MinConfidence);
            int failed = 0;
            foreach (var r in records.Where(r => r.Error is not null))
            {
                failed++;
                ConsoleOutput.Errors.MarkupLineInterpolated($"[red]error:[/] {r.Source}: {r.Error}");
            }

            return failed > 0 || missing > 0 ? FeaturesCommand.SomeFilesFailed : FeaturesCommand.Success;
        }
    }

    private static void Write(string format, IReadOnlyList<PredictionRecord> records, IReadOnlyList<string> labels, double minConfidence)
    {
        var inv = CultureInfo.InvariantCulture;
        switch (format)
        {
            case "json":
                using (var stdout = Console.OpenStandardOutput())
                {
                    PredictionWriter.WriteJson(stdout, records, labels, minConfidence);
                }

                break;
            case "csv":
                PredictionWriter.WriteCsv(Console.Out, records, labels);
                break;
            case "emotionml":
                PredictionWriter.WriteEmotionMl(Console.Out, records, labels);
                Console.Out.WriteLine();
                break;
            default:
                var table = new Table().AddColumns("file", "time", "emotion", "confidence", "runner-up", "note");
                foreach (var r in records)
                {
                    if (r.Error is not null)
                    {
                        table.AddRow(new Text(r.Source), new Text(""), new Markup("[red]error[/]"), new Text(""), new Text(""), new Text(""));
                        continue;
                    }

                    if (r.Prediction is { } p)
                    {
                        table.AddRow(new Text(r.Source), new Text("whole"), new Text(p.Label), new Text(p.Confidence.ToString("P0", inv)), new Text(RunnerUp(p.Scores, p.Label)), Note(p.Confidence, p.InDomain, minConfidence));
                    }

                    foreach (var s in r.Segments ?? [])
                    {
                        table.AddRow(new Text(""), new Text(string.Create(inv, $"{s.Start.TotalSeconds:0.0}-{s.End.TotalSeconds:0.0} s")), new Text(s.Label), new Text(s.Confidence.ToString("P0", inv)), new Text(RunnerUp(s.Scores, s.Label)), Note(s.Confidence, s.InDomain, minConfidence));
                    }
                }

                AnsiConsole.Write(table);
                if (records.Any(r => r.Prediction?.InDomain == false || r.Segments?.Any(s => s.InDomain == false) == true))
                {
                    ConsoleOutput.Errors.MarkupLine("[yellow]⚠ out of domain:[/] the audio is unlike the model's training recordings; its prediction is unreliable.");
                }
                break;
        }
    }

    private static Markup Note(float confidence, bool? inDomain, double minConfidence)
    {
        var notes = new List<string>();
        if (inDomain == false)
        {
            notes.Add("[yellow]⚠ out of domain[/]");
        }

        if (confidence < minConfidence)
        {
            notes.Add("[grey]low confidence[/]");
        }

        return new Markup(string.Join(", ", notes));
    }

    private static string RunnerUp(IReadOnlyDictionary<string, float> scores, string label)
    {
        var second = scores.Where(s => s.Key != label).MaxBy(s => s.Value);
        return $"{second.Key} {second.Value.ToString("P0", CultureInfo.InvariantCulture)}";
    }
}
