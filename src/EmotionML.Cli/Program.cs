using System.Runtime.InteropServices;
using EmotionML.Cli;
using Spectre.Console;
using Spectre.Console.Cli;

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

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("emotionml");
    config.SetExceptionHandler((exception, _) =>
    {
        if (exception is OperationCanceledException)
        {
            ConsoleOutput.Errors.MarkupLine("[yellow]cancelled:[/] nothing was written.");
            return 130;
        }

        if (exception is CommandAppException { Pretty: { } pretty })
        {
            ConsoleOutput.Errors.Write(InputArguments.AsTyped(pretty));
        }
        else if (exception is CommandRuntimeException)
        {
            // A setting that failed validation: its message says what to change; a stack trace would bury it.
            ConsoleOutput.Errors.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
        }
        else
        {
            ConsoleOutput.Errors.WriteException(exception, ExceptionFormats.ShortenEverything);
        }

        return -1;
    });
    // Only the command the line names, when it names one: Spectre builds its model of every registered command (each
    // settings type's options, attributes and converters, by reflection) before parsing, which cost about 10 ms of a
    // features process over one file (6 %; benchmarks/README.md, session 19). Help, a bare `emotionml` and a mistyped
    // command register them all, so they list every command.
    var named = args.Length > 0 ? Array.Find(Commands, c => c.Name == args[0]) : default;
    foreach (var (_, add) in named.Add is null ? Commands : [named])
    {
        add(config);
    }
});
return app.Run(InputArguments.Pack(args), cancel.Token);

/// <summary>The tool's entry point and its commands.</summary>
internal static partial class Program
{
    /// <summary>Every command: its name and how it is registered (description, examples).</summary>
    private static readonly (string Name, Action<IConfigurator> Add)[] Commands =
    [
        ("predict", c => c.AddCommand<PredictCommand>("predict")
            .WithDescription("Recognise the emotion in each audio file with the default model or a model bundle.")
            .WithExample("predict", "data/samples/ravdess-angry-actor12.wav")
            .WithExample("predict", "clips/", "--model", "my.emlmodel", "--format", "json")),
        ("features", c => c.AddCommand<FeaturesCommand>("features")
            .WithDescription("Extract a named, pooled feature vector from each audio file (librosa-conformant MFCC, chroma, mel, contrast, spectral shape, F0).")
            .WithExample("features", "data/samples/ravdess-angry-actor12.wav")
            .WithExample("features", "clips/", "--format", "csv", "--out", "features.csv", "--threads", "2")),
        ("logmel", c => c.AddCommand<LogMelCommand>("logmel")
            .WithDescription("Export a labelled corpus as log-mel tensors (.npz) for the Python CNN trainer (scripts/cnn/train_cnn.py).")
            .WithExample("logmel", "--data", "../shared/data/ravdess", "--out", "ravdess-logmel.npz")),
        ("train", c => c.AddCommand<TrainCommand>("train")
            .WithDescription("Search ML.NET trainers with speaker-grouped cross-validation under a time budget; write the best as a model bundle with its report.")
            .WithExample("train", "--data", "../shared/data/ravdess", "--time", "600", "--out", "artifacts/models/ravdess.emlmodel")),
        ("evaluate", c => c.AddCommand<EvaluateCommand>("evaluate")
            .WithDescription("Evaluate a model bundle on a labelled corpus (held-out speakers): accuracy, F1, per-class scores, confusion matrix.")
            .WithExample("evaluate", "--model", "artifacts/models/ravdess.emlmodel", "--data", "../shared/data/emodb", "--format", "json")),
        ("serve", c => c.AddCommand<ServeCommand>("serve")
            .WithDescription("Serve a web page (upload or record speech, see its emotions) and a JSON API with an OpenAPI UI at /docs.")
            .WithExample("serve")
            .WithExample("serve", "--model", "artifacts/models/ravdess.emlmodel", "--urls", "http://127.0.0.1:5080")),
        ("info", c => c.AddCommand<InfoCommand>("info")
            .WithDescription("Show a model bundle's labels, metrics, feature schema and training data.")
            .WithExample("info", "artifacts/models/ravdess.emlmodel")),
    ];
}
