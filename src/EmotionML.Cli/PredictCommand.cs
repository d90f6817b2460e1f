using System.Globalization;
using System.Text;
using System.Text.Json;
using EmotionML.Audio;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EmotionML.Cli;

/// <summary>
/// <c>emotionml predict</c>: the emotion of each file with the default model or a bundle. One clear message per
/// bad file while the others still run; exit code 1 when any file failed, 2 when nothing could run.
/// </summary>
public sealed class PredictCommand : Command<PredictSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, PredictSettings settings, CancellationToken cancellationToken)
    {
        var err = ConsoleOutput.Errors;
        var files = InputExpander.Expand(settings.Inputs, out var missing);
        foreach (var name in missing)
        {
            err.MarkupLineInterpolated($"[red]error:[/] no such file, folder or match: {name}");
        }

        if (files.Count == 0)
        {
            return 2;
        }

        EmotionEngine engine;
        try
        {
            engine = settings.Model is null ? EmotionEngine.LoadDefault() : EmotionEngine.Load(settings.Model);
        }
        catch (ModelBundleException ex)
        {
            err.MarkupLineInterpolated($"[red]error:[/] {settings.Model ?? "default model"}: {ex.Message}");
            return 2;
        }

        using (engine)
        {
            if (engine.RequiresSpeakerProfile)
            {
                err.MarkupLine("[red]error:[/] this model needs speaker profiles (speaker normalisation); use the library's CreateSpeakerProfile, or a model trained with --speaker-norm never.");
                return 2;
            }

            var results = new (EmotionPrediction? Prediction, string? Error)[files.Count];
            ConsoleOutput.WithProgress($"Predicting ({files.Count} files)", files.Count, progress =>
            {
                int done = 0;
                Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = settings.Threads > 0 ? settings.Threads : Environment.ProcessorCount, CancellationToken = cancellationToken }, i =>
                {
                    try
                    {
                        using var stream = File.OpenRead(files[i]);
                        results[i] = (engine.Predict(stream), null);
                    }
                    catch (Exception ex) when (ex is AudioDecodeException or SilentAudioException or IOException or UnauthorizedAccessException)
                    {
                        results[i] = (null, ex.Message);
                    }

                    progress?.Report(Interlocked.Increment(ref done));
                });
                return 0;
            });

            Write(settings.Format, files, results, engine.Labels);
            int failed = 0;
            for (int i = 0; i < files.Count; i++)
            {
                if (results[i].Error is { } error)
                {
                    failed++;
                    err.MarkupLineInterpolated($"[red]error:[/] {files[i]}: {error}");
                }
            }

            return failed > 0 || missing.Count > 0 ? 1 : 0;
        }
    }

    private static void Write(string format, IReadOnlyList<string> files, (EmotionPrediction? Prediction, string? Error)[] results, IReadOnlyList<string> labels)
    {
        var inv = CultureInfo.InvariantCulture;
        if (format == "json")
        {
            using var stdout = Console.OpenStandardOutput();
            using var json = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
            json.WriteStartArray();
            for (int i = 0; i < files.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("file", files[i]);
                if (results[i].Prediction is { } p)
                {
                    json.WriteString("label", p.Label);
                    json.WriteNumber("confidence", Math.Round(p.Confidence, 6));
                    json.WriteNumber("durationSeconds", Math.Round(p.Duration.TotalSeconds, 6));
                    json.WriteStartObject("scores");
                    foreach (var label in labels)
                    {
                        json.WriteNumber(label, Math.Round(p.Scores[label], 6));
                    }

                    json.WriteEndObject();
                }
                else
                {
                    json.WriteString("error", results[i].Error);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.Flush();
            stdout.WriteByte((byte)'\n');
        }
        else if (format == "csv")
        {
            var b = new StringBuilder("file,label,confidence,error," + string.Join(',', labels) + "\n");
            for (int i = 0; i < files.Count; i++)
            {
                var p = results[i].Prediction;
                b.Append(Csv(files[i])).Append(',').Append(p?.Label).Append(',').Append(p?.Confidence.ToString("R", inv)).Append(',').Append(Csv(results[i].Error ?? ""));
                foreach (var label in labels)
                {
                    b.Append(',').Append(p?.Scores[label].ToString("R", inv));
                }

                b.Append('\n');
            }

            Console.Out.Write(b.ToString());
        }
        else
        {
            var table = new Table().AddColumns("file", "emotion", "confidence", "runner-up");
            for (int i = 0; i < files.Count; i++)
            {
                if (results[i].Prediction is { } p)
                {
                    var second = p.Scores.Where(s => s.Key != p.Label).MaxBy(s => s.Value);
                    table.AddRow(Markup.Escape(files[i]), p.Label, p.Confidence.ToString("P0", inv), $"{second.Key} {second.Value.ToString("P0", inv)}");
                }
                else
                {
                    table.AddRow(new Text(files[i]), new Markup("[red]error[/]"), new Text(""), new Text(""));
                }
            }

            AnsiConsole.Write(table);
        }
    }

    private static string Csv(string text) => text.IndexOfAny([',', '"', '\n']) < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
