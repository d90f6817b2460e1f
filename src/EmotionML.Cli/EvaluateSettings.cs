using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EmotionML.Cli;

/// <summary>Arguments of <c>emotionml evaluate</c>.</summary>
public sealed class EvaluateSettings : CorpusSettings
{
    /// <summary>The model bundle.</summary>
    [CommandOption("-m|--model <MODEL>")]
    [Description("The model bundle to evaluate")]
    public string Model { get; set; } = "";

    /// <summary>table or json.</summary>
    [CommandOption("-f|--format <FORMAT>")]
    [Description("table (default) or json")]
    [DefaultValue("table")]
    public string Format2 { get; set; } = "table";

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        var result = base.Validate();
        if (!result.Successful)
        {
            return result;
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            return ValidationResult.Error("--model MODEL is required.");
        }

        return Format2 is "table" or "json" ? ValidationResult.Success() : ValidationResult.Error("--format must be table or json.");
    }
}
