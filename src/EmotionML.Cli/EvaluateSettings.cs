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

    /// <summary>Enrolment clips per speaker profile.</summary>
    [CommandOption("--enrol <K>")]
    [Description("For speaker-normalised models: each clip is scored with a profile from K other clips of its speaker, drawn at random (default 8; 'all' = all of the speaker's other clips). The report adds the curve for 4, 8, 16 and all")]
    [DefaultValue("8")]
    public string Enrol { get; set; } = "8";

    /// <summary>The parsed enrolment size (0: all other clips).</summary>
    public int EnrolmentClips => Enrol == "all" ? 0 : int.Parse(Enrol, System.Globalization.CultureInfo.InvariantCulture);

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

        if (Enrol != "all" && (!int.TryParse(Enrol, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k) || k < 1))
        {
            return ValidationResult.Error("--enrol must be a positive number of clips or 'all'.");
        }

        return Format2 is "table" or "json" ? ValidationResult.Success() : ValidationResult.Error("--format must be table or json.");
    }
}
