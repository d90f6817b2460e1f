namespace EmotionML.Training.Corpora;

/// <summary>The items of a corpus, the files that were rejected (never dropped silently), and its label set.</summary>
public sealed class Corpus
{
    /// <summary>Creates a corpus.</summary>
    /// <param name="name">Corpus name.</param>
    /// <param name="items">Labelled items.</param>
    /// <param name="rejected">Files that did not parse, with reasons.</param>
    /// <param name="labels">The corpus' own label set, in a fixed order.</param>
    /// <param name="hasSpeakers">Whether items carry real speaker ids (folder-per-label corpora do not).</param>
    public Corpus(string name, IReadOnlyList<CorpusItem> items, IReadOnlyList<RejectedFile> rejected, LabelSet labels, bool hasSpeakers = true)
    {
        Name = name;
        Items = items;
        Rejected = rejected;
        Labels = labels;
        HasSpeakers = hasSpeakers;
    }

    /// <summary>Corpus name.</summary>
    public string Name { get; }

    /// <summary>Labelled items, sorted by path.</summary>
    public IReadOnlyList<CorpusItem> Items { get; }

    /// <summary>Files that did not parse.</summary>
    public IReadOnlyList<RejectedFile> Rejected { get; }

    /// <summary>The corpus' own label set.</summary>
    public LabelSet Labels { get; }

    /// <summary>Whether speaker ids are real: without them no estimate can be speaker-independent.</summary>
    public bool HasSpeakers { get; }

    /// <summary>Distinct speakers, sorted.</summary>
    public IReadOnlyList<string> Speakers => Items.Select(i => i.Speaker).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>The deepest folder holding every one of <paramref name="paths"/> ("/" when they share none).</summary>
    internal static string CommonFolder(IEnumerable<string> paths)
    {
        var full = paths.Select(Path.GetFullPath).ToArray();
        string common = full.Length == 0 ? "" : Path.GetDirectoryName(full[0]) ?? "";
        while (common.Length > 0 && !full.All(p => p.StartsWith(common + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            common = Path.GetDirectoryName(common) ?? "";
        }

        return common.Length == 0 ? "/" : common;
    }

    /// <summary><paramref name="path"/> relative to <paramref name="folder"/>, with '/' separators on every system.</summary>
    internal static string RelativePath(string folder, string path) => Path.GetRelativePath(folder, Path.GetFullPath(path)).Replace('\\', '/');

    /// <summary>Maps every label into the common set, dropping items whose label has no common counterpart.</summary>
    /// <param name="calm">What to do with RAVDESS' calm.</param>
    public Corpus ToCommonLabels(CalmHandling calm = CalmHandling.MergeIntoNeutral)
    {
        var items = new List<CorpusItem>();
        foreach (var item in Items)
        {
            if (CommonLabels.Map(item.Label, calm) is { } common)
            {
                items.Add(item with { Label = common });
            }
        }

        var present = CommonLabels.All.Labels.Where(l => items.Any(i => i.Label == l)).ToArray();
        return new Corpus(Name, items, Rejected, new LabelSet("common", present), HasSpeakers);
    }

    /// <summary>Combines corpora that share a label set (map them with <see cref="ToCommonLabels"/> first).</summary>
    /// <param name="corpora">The corpora.</param>
    public static Corpus Combine(params Corpus[] corpora)
    {
        var labels = corpora.SelectMany(c => c.Labels.Labels).Distinct().ToArray();
        return new Corpus(
            string.Join("+", corpora.Select(c => c.Name)),
            corpora.SelectMany(c => c.Items).ToArray(),
            corpora.SelectMany(c => c.Rejected).ToArray(),
            new LabelSet(string.Join("+", corpora.Select(c => c.Labels.Name).Distinct()), labels),
            corpora.All(c => c.HasSpeakers));
    }
}
