using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EmotionML.Cli;

/// <summary>Arguments of <c>emotionml predict</c>.</summary>
public sealed class PredictSettings : CommandSettings
{
    private string[] _inputs = [];

    /// <summary>Audio files, folders or globs.</summary>
    [CommandArgument(0, "<inputs>")]
    [Description("Audio files, folders (searched recursively) or globs")]
    public string[] Inputs
    {
        get => _inputs;
        set => _inputs = InputArguments.Unpack(value);
    }

    /// <summary>A model bundle; the default model when absent.</summary>
    [CommandOption("-m|--model <MODEL>")]
    [Description("A model bundle (default: the model built into EmotionML)")]
    public string? Model { get; set; }

    /// <summary>table, json or csv.</summary>
    [CommandOption("-f|--format <FORMAT>")]
    [Description("table (default), json, csv or emotionml (W3C EmotionML 1.0 XML)")]
    [DefaultValue("table")]
    public string Format { get; set; } = "table";

    /// <summary>Predict a timeline over sliding windows.</summary>
    [CommandOption("-s|--segments")]
    [Description("Also predict a timeline over 3 s windows every 1.5 s, skipping silence (long recordings are read incrementally)")]
    public bool Segments { get; set; }

    /// <summary>Confidence below which predictions are marked.</summary>
    [CommandOption("--min-confidence <P>")]
    [Description("Mark (never hide) predictions whose calibrated confidence is below P (0-1; default 0: none) in the table, and as \"lowConfidence\": true in JSON")]
    [DefaultValue(0.0)]
    public double MinConfidence { get; set; }

    /// <summary>Threads.</summary>
    [CommandOption("-t|--threads <N>")]
    [Description("Files predicted at once (default: one per core)")]
    [DefaultValue(0)]
    public int Threads { get; set; }

    /// <summary>Test-time crops the CNN scores per clip (null: the model's own count).</summary>
    [CommandOption("--cnn-crops <N>")]
    [Description("For a model with a CNN: crops per clip it scores and averages (1-32; default: the count the model was evaluated with, 3 for the default model). 1 is faster, slightly less accurate")]
    public int? CnnCrops { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (Inputs.Length == 0)
        {
            return ValidationResult.Error("Give at least one audio file or folder.");
        }

        if (MinConfidence is < 0 or > 1)
        {
            return ValidationResult.Error("--min-confidence must be between 0 and 1.");
        }

        if (CnnCrops is < 1 or > CnnModel.MaxTestCrops)
        {
            return ValidationResult.Error($"--cnn-crops must be between 1 and {CnnModel.MaxTestCrops}.");
        }

        return Format is "table" or "json" or "csv" or "emotionml" ? ValidationResult.Success() : ValidationResult.Error("--format must be table, json, csv or emotionml.");
    }
}
