using System.ComponentModel;
using EmotionML.Web;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EmotionML.Cli;

/// <summary><c>emotionml serve</c>: the web page and JSON API (see EmotionML.Web) until Ctrl+C.</summary>
public sealed class ServeCommand : AsyncCommand<ServeCommand.Settings>
{
    /// <summary>Options.</summary>
    public sealed class Settings : CommandSettings
    {
        /// <summary>The model bundle.</summary>
        [CommandOption("-m|--model <MODEL>")]
        [Description("A model bundle (default: the model built into EmotionML)")]
        public string? Model { get; set; }

        /// <summary>Listening addresses.</summary>
        [CommandOption("--urls <URLS>")]
        [Description("Addresses to listen on, ';'-separated (default: http://127.0.0.1:5080, this machine only)")]
        public string Urls { get; set; } = EmotionWebOptions.DefaultUrl;

        /// <summary>Allows non-loopback addresses.</summary>
        [CommandOption("--allow-remote")]
        [Description("Allow addresses other than loopback in --urls (the app is then reachable from the network)")]
        public bool AllowRemote { get; set; }

        /// <summary>Upload limit in MB.</summary>
        [CommandOption("--max-upload-mb <MB>")]
        [Description("Largest upload accepted, in MB (default 32)")]
        public double MaxUploadMegabytes { get; set; } = 32;

        /// <summary>Duration limit in seconds.</summary>
        [CommandOption("--max-duration <SECONDS>")]
        [Description("Longest audio accepted, in seconds (default 600)")]
        public double MaxDurationSeconds { get; set; } = 600;

        /// <summary>Test-time crops the CNN scores per clip (null: the model's own count).</summary>
        [CommandOption("--cnn-crops <N>")]
        [Description("For a model with a CNN: crops per clip it scores and averages (1-32; default: the model's own count). 1 is faster, slightly less accurate")]
        public int? CnnCrops { get; set; }

        /// <inheritdoc />
        public override ValidationResult Validate() =>
            MaxUploadMegabytes <= 0 || MaxDurationSeconds <= 0 ? ValidationResult.Error("--max-upload-mb and --max-duration must be positive.")
            : CnnCrops is < 1 or > CnnModel.MaxTestCrops ? ValidationResult.Error($"--cnn-crops must be between 1 and {CnnModel.MaxTestCrops}.")
            : Model is not null && !File.Exists(Model) ? ValidationResult.Error($"The model file {Model} does not exist.")
            : ValidationResult.Success();
    }

    /// <inheritdoc />
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
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
