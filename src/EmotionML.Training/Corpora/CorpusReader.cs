using System.Text.RegularExpressions;

namespace EmotionML.Training.Corpora;

/// <summary>
/// Reads the emotional speech corpora by their naming conventions (see <c>shared/data/README.md</c>): RAVDESS,
/// TESS, CREMA-D, SAVEE, EmoDB, a folder per label, or a CSV manifest. Every item carries path, label, speaker,
/// corpus and the metadata its name encodes. A name that does not parse is reported in
/// <see cref="Corpus.Rejected"/> with the reason, or is an error with <see cref="CorpusReadOptions.Strict"/>.
/// </summary>
public static partial class CorpusReader
{
    private static readonly string[] RavdessEmotions = ["neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"];

    /// <summary>Reads a corpus.</summary>
    /// <param name="root">The corpus folder (or, for <see cref="CorpusFormat.Csv"/>, the manifest file).</param>
    /// <param name="format">Its layout.</param>
    /// <param name="options">Strictness and extensions.</param>
    public static Corpus Read(string root, CorpusFormat format, CorpusReadOptions? options = null)
    {
        options ??= new CorpusReadOptions();
        if (format == CorpusFormat.Csv)
        {
            return ReadCsv(root, options);
        }

        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The corpus folder '{root}' does not exist.");
        }

        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => options.Extensions.Contains(Path.GetExtension(f)))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var items = new List<CorpusItem>();
        var rejected = new List<RejectedFile>();
        Func<string, string, (CorpusItem? Item, string? Reason)> parse = format switch
        {
            CorpusFormat.Ravdess => ParseRavdess,
            CorpusFormat.EmoDb => (path, _) => ParseEmoDb(path),
            CorpusFormat.Tess => (path, _) => ParseTess(path),
            CorpusFormat.CremaD => (path, _) => ParseCremaD(path),
            CorpusFormat.Savee => (path, _) => ParseSavee(path),
            CorpusFormat.Folders => (path, r) => ParseFolder(path, r, options.SpeakerPattern),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
        foreach (var file in files)
        {
            var (item, reason) = parse(file, root);
            if (item is not null)
            {
                items.Add(item);
            }
            else if (options.Strict)
            {
                throw new CorpusFormatException($"{file}: {reason}");
            }
            else
            {
                rejected.Add(new RejectedFile(file, reason!));
            }
        }

        var labels = format switch
        {
            CorpusFormat.Ravdess => LabelSet.Ravdess,
            CorpusFormat.EmoDb => LabelSet.EmoDb,
            CorpusFormat.Tess => LabelSet.Tess,
            CorpusFormat.CremaD => LabelSet.CremaD,
            CorpusFormat.Savee => LabelSet.Savee,
            _ => new LabelSet("folders", items.Select(i => i.Label).Distinct().Order(StringComparer.Ordinal).ToArray()),
        };
        return new Corpus(format.ToString().ToLowerInvariant(), items, rejected, labels, hasSpeakers: format != CorpusFormat.Folders || options.SpeakerPattern is not null);
    }

    /// <summary>
    /// Guesses a folder's layout from its file names: the named corpus whose convention parses the most files
    /// (at least half), else folder-per-label; a <c>.csv</c> file is a manifest.
    /// </summary>
    /// <param name="path">A corpus folder or a manifest file.</param>
    public static CorpusFormat Detect(string path)
    {
        if (File.Exists(path) && Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return CorpusFormat.Csv;
        }

        var extensions = new CorpusReadOptions().Extensions;
        var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => extensions.Contains(Path.GetExtension(f))).Take(2000).ToArray();
        if (files.Length == 0)
        {
            return CorpusFormat.Folders;
        }

        var candidates = new (CorpusFormat Format, Func<string, bool> Parses)[]
        {
            (CorpusFormat.Ravdess, f => ParseRavdess(f, path).Item1 is not null),
            (CorpusFormat.EmoDb, f => ParseEmoDb(f).Item1 is not null),
            (CorpusFormat.CremaD, f => ParseCremaD(f).Item1 is not null),
            (CorpusFormat.Tess, f => ParseTess(f).Item1 is not null),
            (CorpusFormat.Savee, f => ParseSavee(f).Item1 is not null),
        };
        var best = candidates.Select(c => (c.Format, Count: files.Count(c.Parses))).MaxBy(c => c.Count);
        return best.Count * 2 >= files.Length ? best.Format : CorpusFormat.Folders;
    }

    /// <summary>RAVDESS: modality-channel-emotion-intensity-statement-repetition-actor.</summary>
    internal static (CorpusItem?, string?) ParseRavdess(string path, string root)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var parts = name.Split('-');
        if (parts.Length != 7 || parts.Any(p => p.Length != 2 || !p.All(char.IsAsciiDigit)))
        {
            return (null, "not a RAVDESS name (expected seven two-digit fields, e.g. 03-01-05-02-01-01-12)");
        }

        int[] f = parts.Select(int.Parse).ToArray();
        if (f[0] is < 1 or > 3)
        {
            return (null, $"modality {parts[0]} is not 01, 02 or 03");
        }

        if (f[1] is not (1 or 2))
        {
            return (null, $"vocal channel {parts[1]} is not 01 (speech) or 02 (song)");
        }

        if (f[2] is < 1 or > 8)
        {
            return (null, $"emotion {parts[2]} is not 01..08");
        }

        if (f[3] is not (1 or 2) || (f[2] == 1 && f[3] == 2))
        {
            return (null, $"intensity {parts[3]} is invalid (01 normal, 02 strong; neutral has no strong)");
        }

        if (f[4] is not (1 or 2) || f[5] is not (1 or 2))
        {
            return (null, "statement and repetition must be 01 or 02");
        }

        if (f[6] is < 1 or > 24)
        {
            return (null, $"actor {parts[6]} is not 01..24");
        }

        var metadata = new Dictionary<string, string>
        {
            ["modality"] = f[0] switch { 1 => "audio-video", 2 => "video", _ => "audio" },
            ["channel"] = f[1] == 1 ? "speech" : "song",
            ["intensity"] = f[3] == 1 ? "normal" : "strong",
            ["statement"] = f[4] == 1 ? "Kids are talking by the door" : "Dogs are sitting by the door",
            ["repetition"] = parts[5],
            ["actor"] = parts[6],
            ["sex"] = f[6] % 2 == 1 ? "male" : "female",
        };
        return (new CorpusItem(path, RavdessEmotions[f[2] - 1], $"ravdess:{parts[6]}", "ravdess", metadata), null);
    }

    /// <summary>EmoDB: speaker (2 digits), text (a01-a07, b01-b10), emotion letter, version.</summary>
    internal static (CorpusItem?, string?) ParseEmoDb(string path)
    {
        var match = EmoDbName().Match(Path.GetFileNameWithoutExtension(path));
        if (!match.Success)
        {
            return (null, "not an EmoDB name (expected e.g. 03a01Fa: speaker, text, emotion letter, version)");
        }

        string speaker = match.Groups[1].Value;
        if (speaker is not ("03" or "08" or "09" or "10" or "11" or "12" or "13" or "14" or "15" or "16"))
        {
            return (null, $"speaker {speaker} is not an EmoDB speaker");
        }

        string label = match.Groups[3].Value switch
        {
            "W" => "angry",
            "L" => "boredom",
            "E" => "disgust",
            "A" => "fearful",
            "F" => "happy",
            "T" => "sad",
            _ => "neutral",
        };
        var metadata = new Dictionary<string, string>
        {
            ["text"] = match.Groups[2].Value,
            ["version"] = match.Groups[4].Value,
            ["sex"] = speaker is "03" or "10" or "11" or "12" or "15" ? "male" : "female",
        };
        return (new CorpusItem(path, label, $"emodb:{speaker}", "emodb", metadata), null);
    }

    /// <summary>TESS: OAF|YAF _ word _ emotion.</summary>
    internal static (CorpusItem?, string?) ParseTess(string path)
    {
        var parts = Path.GetFileNameWithoutExtension(path).Split('_');
        if (parts.Length < 3 || parts[0].ToUpperInvariant() is not ("OAF" or "YAF"))
        {
            return (null, "not a TESS name (expected OAF_word_emotion or YAF_word_emotion)");
        }

        string emotion = string.Join('_', parts[2..]).ToLowerInvariant();
        string? label = emotion switch
        {
            "angry" => "angry",
            "disgust" => "disgust",
            "fear" => "fearful",
            "happy" => "happy",
            "neutral" => "neutral",
            "sad" => "sad",
            "ps" or "pleasant_surprise" or "pleasant_surprised" => "surprised",
            _ => null,
        };
        if (label is null)
        {
            return (null, $"TESS emotion '{emotion}' is not angry, disgust, fear, happy, neutral, ps or sad");
        }

        string speaker = parts[0].ToUpperInvariant();
        var metadata = new Dictionary<string, string> { ["word"] = parts[1], ["age"] = speaker == "OAF" ? "older" : "younger", ["sex"] = "female", ["emotion"] = emotion };
        return (new CorpusItem(path, label, $"tess:{speaker}", "tess", metadata), null);
    }

    /// <summary>CREMA-D: actor _ sentence _ emotion _ intensity.</summary>
    internal static (CorpusItem?, string?) ParseCremaD(string path)
    {
        var parts = Path.GetFileNameWithoutExtension(path).Split('_');
        if (parts.Length != 4 || !int.TryParse(parts[0], out int actor) || actor is < 1001 or > 1091 || parts[1].Length != 3)
        {
            return (null, "not a CREMA-D name (expected e.g. 1001_DFA_ANG_XX, actor 1001-1091)");
        }

        string? label = parts[2] switch
        {
            "ANG" => "angry",
            "DIS" => "disgust",
            "FEA" => "fearful",
            "HAP" => "happy",
            "NEU" => "neutral",
            "SAD" => "sad",
            _ => null,
        };
        if (label is null)
        {
            return (null, $"CREMA-D emotion '{parts[2]}' is not ANG, DIS, FEA, HAP, NEU or SAD");
        }

        string? intensity = parts[3] switch { "LO" => "low", "MD" => "medium", "HI" => "high", "XX" => "unspecified", _ => null };
        if (intensity is null)
        {
            return (null, $"CREMA-D intensity '{parts[3]}' is not LO, MD, HI or XX");
        }

        var metadata = new Dictionary<string, string> { ["sentence"] = parts[1], ["intensity"] = intensity };
        return (new CorpusItem(path, label, $"cremad:{parts[0]}", "cremad", metadata), null);
    }

    /// <summary>SAVEE: DC_a01 or DC/a01 (speaker DC, JE, JK, KL; emotion a, d, f, h, n, sa, su).</summary>
    internal static (CorpusItem?, string?) ParseSavee(string path)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        string? speaker = null;
        string code = name;
        var underscore = name.IndexOf('_');
        if (underscore > 0)
        {
            speaker = name[..underscore];
            code = name[(underscore + 1)..];
        }
        else
        {
            speaker = Path.GetFileName(Path.GetDirectoryName(path));
        }

        speaker = speaker?.ToUpperInvariant();
        if (speaker is not ("DC" or "JE" or "JK" or "KL"))
        {
            return (null, "not a SAVEE name (expected DC_a01.wav or DC/a01.wav; speakers DC, JE, JK, KL)");
        }

        var match = SaveeCode().Match(code);
        if (!match.Success)
        {
            return (null, $"SAVEE code '{code}' is not an emotion (a, d, f, h, n, sa, su) followed by a number");
        }

        string label = match.Groups[1].Value switch
        {
            "a" => "angry",
            "d" => "disgust",
            "f" => "fearful",
            "h" => "happy",
            "n" => "neutral",
            "sa" => "sad",
            _ => "surprised",
        };
        var metadata = new Dictionary<string, string> { ["sentence"] = match.Groups[2].Value, ["sex"] = "male" };
        return (new CorpusItem(path, label, $"savee:{speaker}", "savee", metadata), null);
    }

    /// <summary>
    /// Folder per label: root/&lt;label&gt;/…/file. Without a speaker pattern every file is its own "speaker" (the
    /// corpus is marked as having no speakers); with one, the pattern's <c>speaker</c> group (or its first group)
    /// matched against the path relative to the label folder names the speaker, and a file it does not match is
    /// rejected.
    /// </summary>
    private static (CorpusItem?, string?) ParseFolder(string path, string root, Regex? speakerPattern)
    {
        var relative = Path.GetRelativePath(root, path);
        var folder = Path.GetDirectoryName(relative);
        if (string.IsNullOrEmpty(folder))
        {
            return (null, "a file at the top level has no label folder (expected root/<label>/file)");
        }

        var parts = relative.Split(Path.DirectorySeparatorChar);
        string label = parts[0].ToLowerInvariant();
        if (speakerPattern is null)
        {
            return (new CorpusItem(path, label, $"file:{relative}", "folders", new Dictionary<string, string>()), null);
        }

        var within = string.Join('/', parts.Skip(1));
        var match = speakerPattern.Match(within);
        var group = match.Groups["speaker"].Success ? match.Groups["speaker"] : match.Groups.Count > 1 ? match.Groups[1] : null;
        if (!match.Success || group is not { Success: true, Length: > 0 })
        {
            return (null, $"the speaker pattern '{speakerPattern}' does not match '{within}'");
        }

        return (new CorpusItem(path, label, $"folders:{group.Value}", "folders", new Dictionary<string, string>()), null);
    }

    /// <summary>
    /// A CSV manifest (RFC 4180: quoted fields may hold commas, quotes and line breaks), read with CsvHelper.
    /// Columns path, label and speaker are required; any others become metadata.
    /// </summary>
    private static Corpus ReadCsv(string manifest, CorpusReadOptions options)
    {
        if (!File.Exists(manifest))
        {
            throw new FileNotFoundException($"The manifest '{manifest}' does not exist.", manifest);
        }

        var csvOptions = new CsvHelper.CsvReaderOptions
        {
            HasHeader = true,
            AllowLineBreaksInQuotes = true,
            SkipEmptyLines = true,
            FieldCountMismatch = CsvHelper.CsvFieldCountHandling.Allow, // reported per row below, with its number
            MalformedData = CsvHelper.CsvMalformedDataHandling.Throw,
        };
        using var csv = CsvHelper.CsvReader.FromFile(manifest, csvOptions);
        string[] header;
        try
        {
            header = csv.Headers.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        }
        catch (CsvHelper.CsvFormatException ex)
        {
            throw new CorpusFormatException($"{manifest}: the header cannot be read as CSV: {ex.Message}");
        }

        if (header.Length == 0)
        {
            throw new CorpusFormatException($"{manifest}: the manifest is empty.");
        }

        int pathColumn = Array.IndexOf(header, "path"), labelColumn = Array.IndexOf(header, "label"), speakerColumn = Array.IndexOf(header, "speaker");
        if (pathColumn < 0 || labelColumn < 0 || speakerColumn < 0)
        {
            throw new CorpusFormatException($"{manifest}: the header must name the columns path, label and speaker (found: {string.Join(",", header)}).");
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(manifest))!;
        var items = new List<CorpusItem>();
        var rejected = new List<RejectedFile>();
        while (true)
        {
            string[] cells;
            long row;
            try
            {
                if (!csv.Read())
                {
                    break;
                }

                row = csv.RowNumber + 1; // the header is row 1
                cells = Enumerable.Range(0, csv.FieldCount).Select(c => csv.GetString(c)).ToArray();
            }
            catch (CsvHelper.CsvFormatException ex)
            {
                throw new CorpusFormatException($"{manifest}: unreadable CSV after data row {csv.RowNumber}: {ex.Message}");
            }

            if (cells.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            string? reason = null;
            string path = cells.Length > pathColumn ? cells[pathColumn].Trim() : "";
            if (cells.Length != header.Length)
            {
                reason = $"row {row} has {cells.Length} cells, the header {header.Length}";
            }
            else if (path.Length == 0 || cells[labelColumn].Trim().Length == 0 || cells[speakerColumn].Trim().Length == 0)
            {
                reason = $"row {row} has an empty path, label or speaker";
            }
            else
            {
                path = Path.IsPathRooted(path) ? path : Path.Combine(dir, path);
                if (!File.Exists(path))
                {
                    reason = $"row {row}: the file does not exist";
                }
            }

            if (reason is not null)
            {
                if (options.Strict)
                {
                    throw new CorpusFormatException($"{manifest}: {reason}");
                }

                rejected.Add(new RejectedFile(path.Length > 0 ? path : $"{manifest}:{row}", reason));
                continue;
            }

            var metadata = new Dictionary<string, string>();
            for (int c = 0; c < header.Length; c++)
            {
                if (c != pathColumn && c != labelColumn && c != speakerColumn)
                {
                    metadata[header[c]] = cells[c];
                }
            }

            items.Add(new CorpusItem(path, cells[labelColumn].Trim().ToLowerInvariant(), "csv:" + cells[speakerColumn].Trim(), "csv", metadata));
        }

        var labels = new LabelSet("csv", items.Select(i => i.Label).Distinct().Order(StringComparer.Ordinal).ToArray());
        return new Corpus("csv", items.OrderBy(i => i.Path, StringComparer.Ordinal).ToArray(), rejected, labels);
    }


    [GeneratedRegex("^(\\d{2})([ab]\\d{2})([WLEAFTN])([a-z])$")]
    private static partial Regex EmoDbName();

    [GeneratedRegex("^(sa|su|a|d|f|h|n)(\\d+)$")]
    private static partial Regex SaveeCode();
}
