using EmotionML;
using EmotionML.Features;
using Spectre.Console;

namespace EmotionML.Cli;

/// <summary>
/// <c>emotionml features</c>: one named vector per file as JSON or CSV. Files that cannot be read get an
/// error entry and a non-zero exit code at the end; the others are still processed. A progress bar is shown on
/// an interactive terminal (on standard error), nothing extra when output is redirected.
/// </summary>
public static class FeaturesCommand
{
    /// <summary>Exit code when every file was read.</summary>
    public const int Success = 0;

    /// <summary>Exit code when at least one file could not be read (the rest were still written).</summary>
    public const int SomeFilesFailed = 1;

    /// <summary>Exit code when the inputs name no file at all.</summary>
    public const int NoInput = 2;

    /// <summary>Runs the command; returns the process' exit code.</summary>
    public static int Execute(FeaturesSettings settings, CancellationToken cancellationToken)
    {
        var (files, missing) = InputExpander.ExpandAndReport(settings.Inputs);
        if (files.Count == 0)
        {
            return NoInput;
        }

        var extractor = new FileFeatureExtractor(new SpeechFeatureExtractor(FeatureOptions.ForPreset(settings.Preset)));
        var results = ConsoleOutput.WithProgress(
            $"Extracting features ({files.Count} files)", files.Count, progress => extractor.ExtractFiles(files, settings.Threads, progress, cancellationToken));

        var schema = extractor.Extractor.Schema;
        // JSON for a file is compact (a third smaller, and cheaper to write); on the terminal it is indented.
        Action<Stream> write = settings.Format == OutputFormat.Csv
            ? s => FeatureWriter.WriteCsv(s, results, schema)
            : s => FeatureWriter.WriteJson(s, results, schema, indented: settings.Out is null);
        if (settings.Out is { } path)
        {
            AtomicFile.Write(path, write);
        }
        else
        {
            using var stdout = Console.OpenStandardOutput();
            write(stdout);
        }

        int failed = 0;
        foreach (var r in results.Where(r => !r.Succeeded))
        {
            failed++;
            ConsoleOutput.Errors.MarkupLineInterpolated($"[red]error:[/] {r.Path}: {r.Error}");
        }

        return failed > 0 || missing > 0 ? SomeFilesFailed : Success;
    }
}
