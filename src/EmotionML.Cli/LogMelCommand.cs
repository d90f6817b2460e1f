using EmotionML.Features;
using EmotionML.Training.Cnn;
using Spectre.Console;

namespace EmotionML.Cli;

/// <summary>Arguments of <c>emotionml logmel</c>.</summary>
public sealed class LogMelSettings : CorpusSettings
{
    /// <summary>The .npz to write.</summary>
    public string Out { get; set; } = "";

    /// <summary>Mel bands.</summary>
    public int MelBands { get; set; } = 64;

    /// <summary>Write float32 instead of float16.</summary>
    public bool Float32 { get; set; }

    /// <summary>The command line's options for these settings.</summary>
    internal static CommandDefinition<LogMelSettings> Define(string name, string description) => Define<LogMelSettings>(name, description)
        .Option<string>("-o|--out", "FILE", "The .npz to write (atomically): log-mel tensors, labels, speakers, paths and the settings' fingerprint", (s, v) => s.Out = v)
        .Option<int>("--mel-bands", "N", "Mel bands (default 64)", (s, v) => s.MelBands = v)
        .Flag("--float32", "Store float32 values (default float16: half the size, about 0.01 dB rounding)", (s, v) => s.Float32 = v);

    /// <inheritdoc />
    public override string? Validate()
    {
        if (base.Validate() is { } error)
        {
            return error;
        }

        if (string.IsNullOrWhiteSpace(Out))
        {
            return "--out FILE.npz is required.";
        }

        return MelBands is < 8 or > 256 ? "--mel-bands must be between 8 and 256." : null;
    }
}

/// <summary>
/// <c>emotionml logmel</c>: exports a labelled corpus as log-mel tensors (.npz) for the Python CNN trainer
/// (<c>scripts/cnn/train_cnn.py</c>), computed by the code the engine runs at prediction time.
/// </summary>
public static class LogMelCommand
{
    /// <summary>Runs the command; returns the process' exit code.</summary>
    public static int Execute(LogMelSettings settings, CancellationToken cancellationToken)
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
