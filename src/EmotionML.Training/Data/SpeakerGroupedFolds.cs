namespace EmotionML.Training.Data;

/// <summary>
/// Cross-validation folds that keep every speaker on one side: a speaker's clips are all in the same fold.
/// Built by us rather than by <c>CrossValidate</c>'s sampling key, which hashes groups into folds of uneven
/// size and cannot express fixed protocols such as RAVDESS' "fold k = actors 4k+1..4k+4".
/// </summary>
public sealed class SpeakerGroupedFolds
{
    private SpeakerGroupedFolds(int[] foldOf, int count, IReadOnlyList<IReadOnlyList<string>> speakers)
    {
        FoldOf = foldOf;
        Count = count;
        SpeakersPerFold = speakers;
    }

    /// <summary>The fold of each item.</summary>
    public int[] FoldOf { get; }

    /// <summary>Number of folds.</summary>
    public int Count { get; }

    /// <summary>The speakers held out in each fold.</summary>
    public IReadOnlyList<IReadOnlyList<string>> SpeakersPerFold { get; }

    /// <summary>A description such as "5 folds grouped by speaker".</summary>
    public string Description { get; private init; } = "";

    /// <summary>Training and validation item indices of fold <paramref name="k"/>.</summary>
    /// <param name="k">The fold.</param>
    public (int[] Train, int[] Validation) Split(int k) =>
        (Enumerable.Range(0, FoldOf.Length).Where(i => FoldOf[i] != k).ToArray(), Enumerable.Range(0, FoldOf.Length).Where(i => FoldOf[i] == k).ToArray());

    /// <summary>
    /// Balanced folds: speakers, largest first (ties in a seeded random order), each go to the fold with the
    /// fewest clips so far. With <paramref name="folds"/> at least the number of speakers, leave-one-speaker-out.
    /// </summary>
    /// <param name="speakers">Each item's speaker.</param>
    /// <param name="folds">Number of folds (capped at the number of speakers).</param>
    /// <param name="seed">Tie-breaking seed.</param>
    public static SpeakerGroupedFolds Balanced(IReadOnlyList<string> speakers, int folds, int seed = 0)
    {
        var groups = speakers.Select((s, i) => (s, i)).GroupBy(x => x.s).ToArray();
        if (groups.Length < 2)
        {
            throw new ArgumentException("Speaker-grouped validation needs at least two speakers.", nameof(speakers));
        }

        folds = Math.Clamp(folds, 2, groups.Length);
        var random = new Random(seed);
        var order = groups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g, r: random.Next())).OrderByDescending(x => x.g.Count()).ThenBy(x => x.r).Select(x => x.g);
        var size = new int[folds];
        var foldOf = new int[speakers.Count];
        var members = Enumerable.Range(0, folds).Select(_ => new List<string>()).ToArray();
        foreach (var g in order)
        {
            int k = Array.IndexOf(size, size.Min());
            foreach (var (_, i) in g)
            {
                foldOf[i] = k;
            }

            size[k] += g.Count();
            members[k].Add(g.Key);
        }

        return new SpeakerGroupedFolds(foldOf, folds, members.Select(m => (IReadOnlyList<string>)m.Order(StringComparer.Ordinal).ToArray()).ToArray())
        {
            Description = folds == groups.Length ? $"leave-one-speaker-out ({folds} folds)" : $"{folds} folds grouped by speaker (balanced, seed {seed})",
        };
    }

    /// <summary>Folds from an explicit speaker → fold map (every speaker must be mapped).</summary>
    /// <param name="speakers">Each item's speaker.</param>
    /// <param name="foldOfSpeaker">The fold of each speaker.</param>
    /// <param name="description">How the folds were made.</param>
    public static SpeakerGroupedFolds FromMap(IReadOnlyList<string> speakers, IReadOnlyDictionary<string, int> foldOfSpeaker, string description)
    {
        var foldOf = speakers.Select(s => foldOfSpeaker.TryGetValue(s, out int k) ? k : throw new ArgumentException($"Speaker {s} has no fold.")).ToArray();
        int count = foldOfSpeaker.Values.Max() + 1;
        var members = Enumerable.Range(0, count).Select(k => (IReadOnlyList<string>)foldOfSpeaker.Where(p => p.Value == k).Select(p => p.Key).Order(StringComparer.Ordinal).ToArray()).ToArray();
        return new SpeakerGroupedFolds(foldOf, count, members) { Description = description };
    }

    /// <summary>
    /// The standard folds for a dataset: the RAVDESS protocol (fold k = actors 4k+1..4k+4) when the speakers are
    /// RAVDESS actors 01–20 and 5 folds are asked for; otherwise <see cref="Balanced"/> folds.
    /// </summary>
    /// <param name="speakers">Each item's speaker.</param>
    /// <param name="folds">Number of folds.</param>
    /// <param name="seed">Tie-breaking seed of balanced folds.</param>
    public static SpeakerGroupedFolds Standard(IReadOnlyList<string> speakers, int folds, int seed = 0)
    {
        static bool IsActor1To20(string s) => s.StartsWith("ravdess:", StringComparison.Ordinal) && int.TryParse(s[8..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int a) && a is >= 1 and <= 20;
        return folds == 5 && speakers.Count > 0 && speakers.All(IsActor1To20) ? RavdessByActor(speakers) : Balanced(speakers, folds, seed);
    }

    /// <summary>
    /// The RAVDESS protocol: fold k holds actors 4k+1..4k+4 (5 folds for actors 01–20).
    /// </summary>
    /// <param name="speakers">Each item's speaker ("ravdess:NN").</param>
    public static SpeakerGroupedFolds RavdessByActor(IReadOnlyList<string> speakers)
    {
        var map = speakers.Distinct().ToDictionary(s => s, s => (int.Parse(s[(s.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture) - 1) / 4);
        return FromMap(speakers, map, "RAVDESS by actor: fold k = actors 4k+1..4k+4");
    }
}
