namespace EmotionML.Cli;

/// <summary>Arguments of <c>emotionml predict</c>.</summary>
public sealed class PredictSettings : ICommandSettings
{
    /// <summary>Audio files, folders or globs.</summary>
    public string[] Inputs { get; set; } = [];

    /// <summary>A model bundle; the default model when absent.</summary>
    public string? Model { get; set; }

    /// <summary>table, json, csv or emotionml.</summary>
    public string Format { get; set; } = "table";

    /// <summary>Predict a timeline over sliding windows.</summary>
    public bool Segments { get; set; }

    /// <summary>Confidence below which predictions are marked.</summary>
    public double MinConfidence { get; set; }

    /// <summary>Threads.</summary>
    public int Threads { get; set; }

    /// <summary>Test-time crops the CNN scores per clip (null: the model's own count).</summary>
    public int? CnnCrops { get; set; }

    /// <summary>The command line's options for these settings.</summary>
    internal static CommandDefinition<PredictSettings> Define(string name, string description) => new CommandDefinition<PredictSettings>(name, description)
        .Inputs("inputs", "Audio files, folders (searched recursively) or globs", (s, v) => s.Inputs = v)
        .Option<string>("-m|--model", "MODEL", "A model bundle (default: the model built into EmotionML)", (s, v) => s.Model = v)
        .Option<string>("-f|--format", "FORMAT", "table (default), json, csv or emotionml (W3C EmotionML 1.0 XML)", (s, v) => s.Format = v)
        .Flag("-s|--segments", "Also predict a timeline over 3 s windows every 1.5 s, skipping silence (long recordings are read incrementally)", (s, v) => s.Segments = v)
        .Option<double>("--min-confidence", "P", "Mark (never hide) predictions whose calibrated confidence is below P (0-1; default 0: none) in the table, and as \"lowConfidence\": true in JSON", (s, v) => s.MinConfidence = v)
        .Option<int>("-t|--threads", "N", "Files predicted at once (default: one per core)", (s, v) => s.Threads = v)
        .Option<int>("--cnn-crops", "N", "For a model with a CNN: crops per clip it scores and averages (1-32; default: the count the model was evaluated with, 1 for the default model). Fewer is faster and slightly less accurate", (s, v) => s.CnnCrops = v);

    /// <inheritdoc />
    public string? Validate()
    {
        if (Inputs.Length == 0)
        {
            return "Give at least one audio file or folder.";
        }

        if (MinConfidence is < 0 or > 1)
        {
            return "--min-confidence must be between 0 and 1.";
        }

        if (CnnCrops is < 1 or > CnnModel.MaxTestCrops)
        {
            return $"--cnn-crops must be between 1 and {CnnModel.MaxTestCrops}.";
        }

        return Format is "table" or "json" or "csv" or "emotionml" ? null : "--format must be table, json, csv or emotionml.";
    }
}
