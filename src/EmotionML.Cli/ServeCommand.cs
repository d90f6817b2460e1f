using EmotionML.Web;
using Spectre.Console;

namespace EmotionML.Cli;

/// <summary><c>emotionml serve</c>: the web page and JSON API (see EmotionML.Web) until Ctrl+C.</summary>
public static class ServeCommand
{
    /// <summary>Options.</summary>
    public sealed class Settings : ICommandSettings
    {
        /// <summary>The model bundle.</summary>
        public string? Model { get; set; }

        /// <summary>Listening addresses.</summary>
        public string Urls { get; set; } = EmotionWebOptions.DefaultUrl;

        /// <summary>Allows non-loopback addresses.</summary>
        public bool AllowRemote { get; set; }

        /// <summary>Upload limit in MB.</summary>
        public double MaxUploadMegabytes { get; set; } = 32;

        /// <summary>Duration limit in seconds.</summary>
        public double MaxDurationSeconds { get; set; } = 600;

        /// <summary>Test-time crops the CNN scores per clip (null: the model's own count).</summary>
        public int? CnnCrops { get; set; }

        /// <summary>The command line's options for these settings.</summary>
        internal static CommandDefinition<Settings> Define(string name, string description) => new CommandDefinition<Settings>(name, description)
            .Option<string>("-m|--model", "MODEL", "A model bundle (default: the model built into EmotionML)", (s, v) => s.Model = v)
            .Option<string>("--urls", "URLS", "Addresses to listen on, ';'-separated (default: http://127.0.0.1:5080, this machine only)", (s, v) => s.Urls = v)
            .Flag("--allow-remote", "Allow addresses other than loopback in --urls (the app is then reachable from the network)", (s, v) => s.AllowRemote = v)
            .Option<double>("--max-upload-mb", "MB", "Largest upload accepted, in MB (default 32)", (s, v) => s.MaxUploadMegabytes = v)
            .Option<double>("--max-duration", "SECONDS", "Longest audio accepted, in seconds (default 600)", (s, v) => s.MaxDurationSeconds = v)
            .Option<int>("--cnn-crops", "N", "For a model with a CNN: crops per clip it scores and averages (1-32; default: the model's own count). 1 is faster, slightly less accurate", (s, v) => s.CnnCrops = v);

        /// <inheritdoc />
        public string? Validate() =>
            MaxUploadMegabytes <= 0 || MaxDurationSeconds <= 0 ? "--max-upload-mb and --max-duration must be positive."
            : CnnCrops is < 1 or > CnnModel.MaxTestCrops ? $"--cnn-crops must be between 1 and {CnnModel.MaxTestCrops}."
            : Model is not null && !File.Exists(Model) ? $"The model file {Model} does not exist."
            : null;
    }

    /// <summary>Serves until <paramref name="cancellationToken"/> is cancelled; returns the process' exit code.</summary>
    public static async Task<int> ExecuteAsync(Settings settings, CancellationToken cancellationToken)
    {
        Microsoft.AspNetCore.Builder.WebApplication app;
        try
        {
            app = EmotionWebApp.Create(["--urls", settings.Urls], o =>
            {
                o.ModelPath = settings.Model is null ? null : Path.GetFullPath(settings.Model);
                o.AllowRemote = settings.AllowRemote;
                o.MaxUploadBytes = (long)(settings.MaxUploadMegabytes * 1024 * 1024);
                o.MaxAudioDuration = TimeSpan.FromSeconds(settings.MaxDurationSeconds);
                o.CnnTestCrops = settings.CnnCrops;
            });
        }
        catch (InvalidOperationException ex)
        {
            ConsoleOutput.Errors.MarkupLineInterpolated($"[red]error:[/] {ex.Message}");
            return 2;
        }

        // Load the model before listening, so a bad bundle fails here rather than on the first request.
        try
        {
            _ = app.Services.GetService(typeof(EmotionEngine));
        }
        catch (ModelBundleException ex)
        {
            ConsoleOutput.Errors.MarkupLineInterpolated($"[red]error:[/] {settings.Model}: {ex.Message}");
            return 2;
        }

        ConsoleOutput.Errors.MarkupLineInterpolated($"Serving on [bold]{settings.Urls}[/] (API docs at /docs); Ctrl+C stops.");
        await Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.RunAsync(app, cancellationToken);
        return 0;
    }
}
