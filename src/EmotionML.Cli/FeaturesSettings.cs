using System.ComponentModel;
using EmotionML.Features;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EmotionML.Cli;

/// <summary>Arguments of <c>emotionml features</c>.</summary>
public sealed class FeaturesSettings : CommandSettings
{
    private string[] _inputs = [];

    /// <summary>Audio files, folders (searched recursively) or file globs.</summary>
    [CommandArgument(0, "<inputs>")]
    [Description("Audio files, folders (searched recursively for audio) or globs such as clips/*.wav")]
    public string[] Inputs
    {
        get => _inputs;
        set => _inputs = InputArguments.Unpack(value);
    }

    /// <summary>json or csv.</summary>
    [CommandOption("-f|--format <FORMAT>")]
    [Description("json (default) or csv")]
    [DefaultValue(OutputFormat.Json)]
    public OutputFormat Format { get; set; } = OutputFormat.Json;

    /// <summary>Output file; standard output when absent.</summary>
    [CommandOption("-o|--out <FILE>")]
    [Description("Write to this file (atomically) instead of standard output")]
    public string? Out { get; set; }

    /// <summary>librosa or speech.</summary>
    [CommandOption("-p|--preset <PRESET>")]
    [Description("librosa (n_fft 2048, hop 512; default) or speech (25 ms / 10 ms)")]
    [DefaultValue(FeaturePreset.Librosa)]
    public FeaturePreset Preset { get; set; } = FeaturePreset.Librosa;

    /// <summary>Worker threads; 0 for one per core.</summary>
    [CommandOption("-t|--threads <N>")]
    [Description("Worker threads (default: one per core)")]
    [DefaultValue(0)]
    public int Threads { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Inputs.Length == 0)
        {
            return ValidationResult.Error("Give at least one audio file or folder.");
        }

        return Threads < 0 ? ValidationResult.Error("--threads must be 0 (all cores) or more.") : ValidationResult.Success();
    }
}
