using EmotionML.Features;

namespace EmotionML.Cli;

/// <summary>Arguments of <c>emotionml features</c>.</summary>
public sealed class FeaturesSettings : ICommandSettings
{
    /// <summary>Audio files, folders (searched recursively) or file globs.</summary>
    public string[] Inputs { get; set; } = [];

    /// <summary>json or csv.</summary>
    public OutputFormat Format { get; set; } = OutputFormat.Json;

    /// <summary>Output file; standard output when absent.</summary>
    public string? Out { get; set; }

    /// <summary>librosa or speech.</summary>
    public FeaturePreset Preset { get; set; } = FeaturePreset.Librosa;

    /// <summary>Worker threads; 0 for one per core.</summary>
    public int Threads { get; set; }

    /// <summary>The command line's options for these settings.</summary>
    internal static CommandDefinition<FeaturesSettings> Define(string name, string description) => new CommandDefinition<FeaturesSettings>(name, description)
        .Inputs("inputs", "Audio files, folders (searched recursively for audio) or globs such as clips/*.wav", (s, v) => s.Inputs = v)
        .Option<OutputFormat>("-f|--format", "FORMAT", "json (default) or csv", (s, v) => s.Format = v)
        .Option<string>("-o|--out", "FILE", "Write to this file (atomically) instead of standard output", (s, v) => s.Out = v)
        .Option<FeaturePreset>("-p|--preset", "PRESET", "librosa (n_fft 2048, hop 512; default) or speech (25 ms / 10 ms)", (s, v) => s.Preset = v)
        .Option<int>("-t|--threads", "N", "Worker threads (default: one per core)", (s, v) => s.Threads = v);

    /// <inheritdoc />
    public string? Validate()
    {
        if (Inputs.Length == 0)
        {
            return "Give at least one audio file or folder.";
        }

        return Threads < 0 ? "--threads must be 0 (all cores) or more." : null;
    }
}
