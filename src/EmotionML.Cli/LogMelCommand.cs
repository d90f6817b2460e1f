using System.ComponentModel;
using EmotionML.Features;
using EmotionML.Training.Cnn;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EmotionML.Cli;

/// <summary>Arguments of <c>emotionml logmel</c>.</summary>
public sealed class LogMelSettings : CorpusSettings
{
    /// <summary>The .npz to write.</summary>
    [CommandOption("-o|--out <FILE>")]
    [Description("The .npz to write (atomically): log-mel tensors, labels, speakers, paths and the settings' fingerprint")]
    public string Out { get; set; } = "";

    /// <summary>Mel bands.</summary>
    [CommandOption("--mel-bands <N>")]
    [Description("Mel bands (default 64)")]
    [DefaultValue(64)]
    public int MelBands { get; set; } = 64;

    /// <summary>Write float32 instead of float16.</summary>
    [CommandOption("--float32")]
    [Description("Store float32 values (default float16: half the size, about 0.01 dB rounding)")]
    public bool Float32 { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful)
        {
            return baseResult;
        }

        if (string.IsNullOrWhiteSpace(Out))
        {
            return ValidationResult.Error("--out FILE.npz is required.");
        }

        return MelBands is < 8 or > 256 ? ValidationResult.Error("--mel-bands must be between 8 and 256.") : ValidationResult.Success();
    }
}

/// <summary>
/// <c>emotionml logmel</c>: exports a labelled corpus as log-mel tensors (.npz) for the Python CNN trainer
/// (<c>scripts/cnn/train_cnn.py</c>), computed by the code the engine runs at prediction time.
/// </summary>
public sealed class LogMelCommand : Command<LogMelSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, LogMelSettings settings, CancellationToken cancellationToken)
    {
        var err = ConsoleOutput.Errors;
        var corpus = CorpusLoader.Read(settings);
        var options = LogMelFeatureOptions.Default with { MelBands = settings.MelBands };
        var mel = ConsoleOutput.WithProgress($"Computing log-mel spectrograms ({corpus.Items.Count} clips)", corpus.Items.Count,
            progress => LogMelCorpus.Build(corpus, options, settings.Threads, progress, cancellationToken));
        foreach (var failed in mel.Failed)
        {
            err.MarkupLineInterpolated($"[red]unreadable[/] {failed.Path}: {failed.Reason}");
        }

        mel.Save(settings.Out, halfPrecision: !settings.Float32);
        err.MarkupLineInterpolated($"wrote {settings.Out}: {mel.Items.Count} clips, {mel.Spectrograms.Sum(s => (long)s.Frames)} frames × {options.MelBands} bands, fingerprint {options.Fingerprint}");
        return mel.Failed.Count > 0 ? 1 : 0;
    }
}
