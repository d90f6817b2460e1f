using EmotionML.Training.Corpora;

namespace EmotionML.Cli;

/// <summary>Options shared by commands that read a labelled corpus.</summary>
public abstract class CorpusSettings : ICommandSettings
{
    /// <summary>The corpus folder or manifest.</summary>
    public string Data { get; set; } = "";

    /// <summary>The corpus layout.</summary>
    public string? Corpus { get; set; }

    /// <summary>Map labels into the common set.</summary>
    public bool CommonLabels { get; set; }

    /// <summary>Strict name parsing.</summary>
    public bool Strict { get; set; }

    /// <summary>Speaker pattern for folder-per-label corpora.</summary>
    public string? SpeakerPattern { get; set; }

    /// <summary>Feature cache folder.</summary>
    public string? Cache { get; set; }

    /// <summary>Disable the feature cache.</summary>
    public bool NoCache { get; set; }

    /// <summary>Threads.</summary>
    public int Threads { get; set; }

    /// <summary>The parsed corpus format.</summary>
    public CorpusFormat Format => Corpus is null ? CorpusReader.Detect(Data) : ParseFormat(Corpus);

    /// <inheritdoc />
    public virtual string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Data))
        {
            return "--data DIR is required.";
        }

        if (!Directory.Exists(Data) && !File.Exists(Data))
        {
            return $"--data: '{Data}' does not exist.";
        }

        if (SpeakerPattern is not null)
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(SpeakerPattern);
            }
            catch (ArgumentException ex)
            {
                return $"--speaker-pattern is not a valid regular expression: {ex.Message}";
            }
        }

        if (Corpus is not null && !TryParseFormat(Corpus, out _))
        {
            return "--corpus must be ravdess, tess, cremad, savee, emodb, folders or csv.";
        }

        return null;
    }

    /// <summary>A command over a corpus: the options every such command shares, then its own.</summary>
    internal static CommandDefinition<T> Define<T>(string name, string description)
        where T : CorpusSettings, new() => new CommandDefinition<T>(name, description)
        .Option<string>("-d|--data", "DIR", "Corpus folder (or CSV manifest with path,label,speaker)", (s, v) => s.Data = v)
        .Option<string>("-c|--corpus", "CORPUS", "ravdess, tess, cremad, savee, emodb, folders or csv (default: detected from the file names)", (s, v) => s.Corpus = v)
        .Flag("--common-labels", "Map labels into the common set (neutral, happy, sad, angry, fearful, disgust, surprised; calm -> neutral)", (s, v) => s.CommonLabels = v)
        .Flag("--strict", "Fail on any file whose name does not parse (default: report and skip it)", (s, v) => s.Strict = v)
        .Option<string>("--speaker-pattern", "REGEX", "For folder-per-label corpora: a regex on each file's path below its label folder whose 'speaker' group (or first group) names the speaker, e.g. '^(?<speaker>[^_/]+)_' for angry/spk12_001.wav. Without it, validation cannot be speaker-independent", (s, v) => s.SpeakerPattern = v)
        .Option<string>("--cache", "DIR", "Feature cache folder (default $EMOTIONML_CACHE or ~/.cache/emotionml/features)", (s, v) => s.Cache = v)
        .Flag("--no-cache", "Extract every feature afresh", (s, v) => s.NoCache = v)
        .Option<int>("-t|--threads", "N", "Threads for extraction and training (default: one per core)", (s, v) => s.Threads = v);

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
