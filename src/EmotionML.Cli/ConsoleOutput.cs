using Spectre.Console;

namespace EmotionML.Cli;

/// <summary>The consoles commands write to: results on standard output, progress and messages on standard error.</summary>
internal static class ConsoleOutput
{
    /// <summary>Standard error, for progress, warnings and errors.</summary>
    public static IAnsiConsole Errors { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

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
