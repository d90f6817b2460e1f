using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EmotionML.Cli;

/// <summary>Arguments of <c>emotionml predict</c>.</summary>
public sealed class PredictSettings : CommandSettings
{
    /// <summary>Audio files, folders or globs.</summary>
    [CommandArgument(0, "<inputs>")]
    [Description("Audio files, folders (searched recursively) or globs")]
    public string[] Inputs { get; set; } = [];

    /// <summary>A model bundle; the default model when absent.</summary>
    [CommandOption("-m|--model <MODEL>")]
    [Description("A model bundle (default: the model built into EmotionML)")]
    public string? Model { get; set; }

    /// <summary>table, json or csv.</summary>
    [CommandOption("-f|--format <FORMAT>")]
    [Description("table (default), json or csv")]
    [DefaultValue("table")]
    public string Format { get; set; } = "table";

    /// <summary>Threads.</summary>
    [CommandOption("-t|--threads <N>")]
    [Description("Files predicted at once (default: one per core)")]
    [DefaultValue(0)]
    public int Threads { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Inputs.Length == 0)
        {
            return ValidationResult.Error("Give at least one audio file or folder.");
        }

        return Format is "table" or "json" or "csv" ? ValidationResult.Success() : ValidationResult.Error("--format must be table, json or csv.");
    }
}
