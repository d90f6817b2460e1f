using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;
using EmotionML.Cli;
using Spectre.Console;

ConsoleOutput.Configure();

// Ctrl+C: the first press cancels the command's CancellationToken (train then ends its search, refits and saves the
// best model so far; other commands stop with nothing half-written); a second press aborts at once, writing nothing.
// A signal registration rather than Console.CancelKeyPress: subscribing to that initialises System.Console's terminal
// handling, about 5 ms (3 %) of the CPU time of a features process over one file, which never reads the terminal.
using var cancel = new CancellationTokenSource();
int interrupts = 0;
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
{
    if (Interlocked.Increment(ref interrupts) == 1)
    {
        context.Cancel = true;
        ConsoleOutput.Errors.MarkupLine("[yellow]Ctrl+C:[/] stopping (train saves the best model so far); press Ctrl+C again to abort with nothing written.");
        cancel.Cancel();
    }
    else
    {
        context.Cancel = false; // the runtime ends the process now (exit code 130)
    }
});

return await ToolCommands.RunAsync(args, cancel.Token).ConfigureAwait(false);

/// <summary>The tool's commands, and the parse and run of a command line.</summary>
internal static class ToolCommands
{
    /// <summary>Every command: its name, description, examples for its help, and how its definition is built.</summary>
    private static readonly (string Name, string Description, string[] Examples, Func<string, string, Command> Create)[] Commands =
    [
        ("predict", "Recognise the emotion in each audio file with the default model or a model bundle.",
            ["predict data/samples/ravdess-angry-actor12.wav", "predict clips/ --model my.emlmodel --format json"],
            (name, description) => PredictSettings.Define(name, description).Runs(PredictCommand.Execute)),
        ("features", "Extract a named, pooled feature vector from each audio file (librosa-conformant MFCC, chroma, mel, contrast, spectral shape, F0).",
            ["features data/samples/ravdess-angry-actor12.wav", "features clips/ --format csv --out features.csv --threads 2"],
            (name, description) => FeaturesSettings.Define(name, description).Runs(FeaturesCommand.Execute)),
        ("logmel", "Export a labelled corpus as log-mel tensors (.npz) for the Python CNN trainer (scripts/cnn/train_cnn.py).",
            ["logmel --data ../shared/data/ravdess --out ravdess-logmel.npz"],
            (name, description) => LogMelSettings.Define(name, description).Runs(LogMelCommand.Execute)),
        ("train", "Search ML.NET trainers with speaker-grouped cross-validation under a time budget; write the best as a model bundle with its report.",
            ["train --data ../shared/data/ravdess --time 600 --out artifacts/models/ravdess.emlmodel"],
            (name, description) => TrainSettings.Define(name, description).Runs(TrainCommand.Execute)),
        ("evaluate", "Evaluate a model bundle on a labelled corpus (held-out speakers): accuracy, F1, per-class scores, confusion matrix.",
            ["evaluate --model artifacts/models/ravdess.emlmodel --data ../shared/data/emodb --format json"],
            (name, description) => EvaluateSettings.Define(name, description).Runs(EvaluateCommand.Execute)),
        ("serve", "Serve a web page (upload or record speech, see its emotions) and a JSON API with an OpenAPI UI at /docs.",
            ["serve", "serve --model artifacts/models/ravdess.emlmodel --urls http://127.0.0.1:5080"],
            (name, description) => ServeCommand.Settings.Define(name, description).Runs(ServeCommand.ExecuteAsync)),
        ("info", "Show a model bundle's labels, metrics, feature schema and training data.",
            ["info artifacts/models/ravdess.emlmodel"],
            (name, description) => InfoCommand.Settings.Define(name, description).Runs(InfoCommand.Execute)),
    ];

    /// <summary>Parses the command line and runs the command it names; returns the process' exit code.</summary>
    internal static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        // The root is a plain command named as the tool is installed (a RootCommand takes the executable's name:
        // EmotionML.Cli under `dotnet run`), with help on every command and --version.
        var root = new Command("emotionml", "Recognise emotion in speech: predict with the built-in model or your own, extract librosa-conformant features, train and evaluate with speaker-independent validation, serve a web page.");
        var help = new HelpOption { Recursive = true };
        help.Action = new HelpWithExamples((HelpAction)help.Action!);
        root.Options.Add(help);
        root.Options.Add(new VersionOption());

        // Only the command the line names, when it names one: each definition builds its options and their parsers
        // (53 in all). Help, a bare `emotionml` and a mistyped command get them all, so they list (or suggest) every
        // command.
        int named = args.Length > 0 ? Array.FindIndex(Commands, c => c.Name == args[0]) : -1;
        foreach (var (name, description, _, create) in named >= 0 ? [Commands[named]] : Commands)
        {
            root.Subcommands.Add(create(name, description));
        }

        // No response files: an argument that starts with '@' is a file name here (clips/@home.wav), not a list of
        // arguments to read.
        var parse = root.Parse(args.Length == 0 ? ["--help"] : args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Action is ParseErrorAction errors)
        {
            // The errors, without the whole help text after them, and suggestions for a mistyped command or option
            // (not for a stray value: 'b' would get "did you mean -h").
            errors.ShowHelp = false;
            errors.ShowTypoCorrections = named < 0 || parse.UnmatchedTokens.All(t => t.StartsWith('-'));
        }

        try
        {
            // Exceptions are ours to report, and Ctrl+C is the SIGINT registration's (it cancels cancellationToken).
            // A parse error's messages and suggestions go to standard error, as every other error does.
            var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            if (parse.Errors.Count > 0)
            {
                invocation.Output = Console.Error;
            }

            return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            ConsoleOutput.Errors.MarkupLine("[yellow]cancelled:[/] nothing was written.");
            return CommandExit.Cancelled;
        }
        catch (Exception ex)
        {
            ConsoleOutput.Errors.WriteException(ex, ExceptionFormats.ShortenEverything);
            return CommandExit.Failed;
        }
    }

    /// <summary>System.CommandLine's help, then the command's examples (from <see cref="Commands"/>).</summary>
    private sealed class HelpWithExamples(HelpAction help) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            int code = help.Invoke(parseResult);
            int command = Array.FindIndex(Commands, c => c.Name == parseResult.CommandResult.Command.Name);
            if (command >= 0)
            {
                var lines = Commands[command].Examples;
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (var line in lines)
                {
                    output.WriteLine($"  emotionml {line}");
                }

                output.WriteLine();
            }

            return code;
        }
    }
}
