using Spectre.Console;

namespace EmotionML.Cli;

/// <summary>The consoles commands write to: results on standard output, progress and messages on standard error.</summary>
internal static class ConsoleOutput
{
    /// <summary>Standard error, for progress, warnings and errors.</summary>
    public static IAnsiConsole Errors { get; } = Create();

    /// <summary>When output is redirected, lines are not wrapped at 80 columns (a log or a test reads whole messages).</summary>
    public static void Configure()
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 4096;
        }
    }

    private static IAnsiConsole Create()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (Console.IsErrorRedirected)
        {
            console.Profile.Width = 4096;
        }

        return console;
    }

    /// <summary>Whether to draw progress bars and live tables (standard error is an interactive terminal).</summary>
    public static bool Interactive => !Console.IsErrorRedirected && Errors.Profile.Capabilities.Interactive;

    /// <summary>Runs work with a progress bar on an interactive terminal, silently otherwise.</summary>
    public static T WithProgress<T>(string description, int total, Func<IProgress<int>?, T> work)
    {
        if (!Interactive || total < 2)
        {
            return work(null);
        }

        return Errors.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask(description, maxValue: total);
            return work(new Progress<int>(done => task.Value = done));
        });
    }
}
