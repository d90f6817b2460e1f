using System.ComponentModel;
using EmotionML.Training.Corpora;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EmotionML.Cli;

/// <summary>Options shared by commands that read a labelled corpus.</summary>
public class CorpusSettings : CommandSettings
{
    /// <summary>The corpus folder or manifest.</summary>
    [CommandOption("-d|--data <DIR>")]
    [Description("Corpus folder (or CSV manifest with path,label,speaker)")]
    public string Data { get; set; } = "";

    /// <summary>The corpus layout.</summary>
    [CommandOption("-c|--corpus <CORPUS>")]
    [Description("ravdess, tess, cremad, savee, emodb, folders or csv (default: detected from the file names)")]
    public string? Corpus { get; set; }

    /// <summary>Map labels into the common set.</summary>
    [CommandOption("--common-labels")]
    [Description("Map labels into the common set (neutral, happy, sad, angry, fearful, disgust, surprised; calm -> neutral)")]
    public bool CommonLabels { get; set; }

    /// <summary>Strict name parsing.</summary>
    [CommandOption("--strict")]
    [Description("Fail on any file whose name does not parse (default: report and skip it)")]
    public bool Strict { get; set; }

    /// <summary>Speaker pattern for folder-per-label corpora.</summary>
    [CommandOption("--speaker-pattern <REGEX>")]
    [Description("For folder-per-label corpora: a regex on each file's path below its label folder whose 'speaker' group (or first group) names the speaker, e.g. '^(?<speaker>[[^_/]]+)_' for angry/spk12_001.wav. Without it, validation cannot be speaker-independent")]
    public string? SpeakerPattern { get; set; }

    /// <summary>Feature cache folder.</summary>
    [CommandOption("--cache <DIR>")]
    [Description("Feature cache folder (default $EMOTIONML_CACHE or ~/.cache/emotionml/features)")]
    public string? Cache { get; set; }

    /// <summary>Disable the feature cache.</summary>
    [CommandOption("--no-cache")]
    [Description("Extract every feature afresh")]
    public bool NoCache { get; set; }

    /// <summary>Threads.</summary>
    [CommandOption("-t|--threads <N>")]
    [Description("Threads for extraction and training (default: one per core)")]
    [DefaultValue(0)]
    public int Threads { get; set; }

    /// <summary>The parsed corpus format.</summary>
    public CorpusFormat Format => Corpus is null ? CorpusReader.Detect(Data) : ParseFormat(Corpus);

    /// <inheritdoc />
    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Data))
        {
            return ValidationResult.Error("--data DIR is required.");
        }

        if (!Directory.Exists(Data) && !File.Exists(Data))
        {
            return ValidationResult.Error($"--data: '{Data}' does not exist.");
        }

        if (SpeakerPattern is not null)
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(SpeakerPattern);
            }
            catch (ArgumentException ex)
            {
                return ValidationResult.Error($"--speaker-pattern is not a valid regular expression: {ex.Message}");
            }
        }

        if (Corpus is not null && !TryParseFormat(Corpus, out _))
        {
            return ValidationResult.Error("--corpus must be ravdess, tess, cremad, savee, emodb, folders or csv.");
        }

        return ValidationResult.Success();
    }

    private static CorpusFormat ParseFormat(string text) => TryParseFormat(text, out var f) ? f : throw new ArgumentException(text);

    private static bool TryParseFormat(string text, out CorpusFormat format)
    {
        format = text.ToLowerInvariant() switch
        {
            "ravdess" => CorpusFormat.Ravdess,
            "tess" => CorpusFormat.Tess,
            "cremad" or "crema-d" => CorpusFormat.CremaD,
            "savee" => CorpusFormat.Savee,
            "emodb" => CorpusFormat.EmoDb,
            "folders" => CorpusFormat.Folders,
            "csv" => CorpusFormat.Csv,
            _ => (CorpusFormat)(-1),
        };
        return (int)format >= 0;
    }
}
