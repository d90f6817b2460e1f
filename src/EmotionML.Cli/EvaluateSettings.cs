namespace EmotionML.Cli;

/// <summary>Arguments of <c>emotionml evaluate</c>.</summary>
public sealed class EvaluateSettings : CorpusSettings
{
    /// <summary>The model bundle.</summary>
    public string Model { get; set; } = "";

    /// <summary>table or json.</summary>
    public string Format2 { get; set; } = "table";

    /// <summary>Enrolment clips per speaker profile.</summary>
    public string Enrol { get; set; } = "8";

    /// <summary>The parsed enrolment size (0: all other clips).</summary>
    public int EnrolmentClips => Enrol == "all" ? 0 : int.Parse(Enrol, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The command line's options for these settings.</summary>
    internal static CommandDefinition<EvaluateSettings> Define(string name, string description) => Define<EvaluateSettings>(name, description)
        .Option<string>("-m|--model", "MODEL", "The model bundle to evaluate", (s, v) => s.Model = v)
        .Option<string>("-f|--format", "FORMAT", "table (default) or json", (s, v) => s.Format2 = v)
        .Option<string>("--enrol", "K", "For speaker-normalised models: each clip is scored with a profile from K other clips of its speaker, drawn at random (default 8; 'all' = all of the speaker's other clips). The report adds the curve for 4, 8, 16 and all", (s, v) => s.Enrol = v);

    /// <inheritdoc />
    public override string? Validate()
    {
        if (base.Validate() is { } error)
        {
            return error;
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            return "--model MODEL is required.";
        }

        if (Enrol != "all" && (!int.TryParse(Enrol, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k) || k < 1))
        {
            return "--enrol must be a positive number of clips or 'all'.";
        }

        return Format2 is "table" or "json" ? null : "--format must be table or json.";
    }
}
