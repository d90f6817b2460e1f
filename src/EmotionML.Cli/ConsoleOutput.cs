using Spectre.Console;
using Spectre.Console.Rendering;

namespace EmotionML.Cli;

/// <summary>
/// The consoles commands write to: results on standard output, progress and messages on standard error. Both are
/// created on first use: Spectre's console detection (terminal, colours, Unicode, the environment) took about 10 ms
/// of a command's start-up, which a command that prints nothing (<c>features --out</c>) no longer pays.
/// </summary>
internal static class ConsoleOutput
{
    private static readonly Lazy<IAnsiConsole> LazyErrors = new(() => Create(Console.Error, Console.IsErrorRedirected));

    /// <summary>Standard error, for progress, warnings and errors.</summary>
    public static IAnsiConsole Errors => LazyErrors.Value;

    /// <summary>When output is redirected, lines are not wrapped at 80 columns (a log or a test reads whole messages).</summary>
    public static void Configure()
    {
        if (Console.IsOutputRedirected)
        {
            // Spectre's own standard-output console (AnsiConsole.Console, which the commands' tables use) is
            // created on first use; the width is set then.
            AnsiConsole.Console = new DeferredConsole(() => Create(Console.Out, redirected: true));
        }
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

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        if (redirected)
        {
            console.Profile.Width = 4096;
        }

        return console;
    }

    /// <summary>An <see cref="IAnsiConsole"/> that creates the real one when it is first used.</summary>
    private sealed class DeferredConsole(Func<IAnsiConsole> create) : IAnsiConsole
    {
        private readonly Lazy<IAnsiConsole> _console = new(create);

        public Profile Profile => _console.Value.Profile;

        public IAnsiConsoleCursor Cursor => _console.Value.Cursor;

        public IAnsiConsoleInput Input => _console.Value.Input;

        public IExclusivityMode ExclusivityMode => _console.Value.ExclusivityMode;

        public RenderPipeline Pipeline => _console.Value.Pipeline;

        public void Clear(bool home) => _console.Value.Clear(home);

        public void Write(IRenderable renderable) => _console.Value.Write(renderable);

        public void WriteAnsi(Action<AnsiWriter> action) => _console.Value.WriteAnsi(action);
    }
}
