using System.Text;

namespace EmotionML.Features;

/// <summary>
/// The named, versioned layout of a pooled feature vector: every column has a stable name
/// (<c>mfcc00_mean</c> … <c>mel127_std</c>, <c>zcr_mean</c>, <c>f0_mean</c>, <c>voiced_fraction</c>), and the
/// schema's <see cref="Fingerprint"/> covers the names and every option that changes a value, so a model can
/// check that it is given exactly what it was trained on.
/// </summary>
public sealed class FeatureSchema : IEquatable<FeatureSchema>
{
    /// <summary>The schema family name.</summary>
    public const string SchemaName = "emotionml.pooled";

    /// <summary>
    /// The version of the feature definitions. Raise it whenever a definition changes the values computed for
    /// the same options, so that models trained on the old values are refused.
    /// </summary>
    public const int CurrentVersion = 1;

    private readonly Dictionary<string, int> _index;

    private FeatureSchema(string name, int version, IReadOnlyList<string> columns, string fingerprint, FeatureOptions? options)
    {
        Name = name;
        Version = version;
        Columns = columns;
        Fingerprint = fingerprint;
        Options = options;
        _index = new Dictionary<string, int>(columns.Count, StringComparer.Ordinal);
        for (int i = 0; i < columns.Count; i++)
        {
            _index[columns[i]] = i;
        }
    }

    /// <summary>The schema family (<see cref="SchemaName"/>).</summary>
    public string Name { get; }

    /// <summary>The definitions version.</summary>
    public int Version { get; }

    /// <summary>Column names, in vector order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Hex digest of the name, version, options and columns.</summary>
    public string Fingerprint { get; }

    /// <summary>The options that produce this schema, when it was built from options (not read from a file).</summary>
    public FeatureOptions? Options { get; }

    /// <summary>A one-line identifier: <c>emotionml.pooled/v1/&lt;fingerprint&gt;</c>.</summary>
    public string Id => $"{Name}/v{Version}/{Fingerprint}";

    /// <summary>The schema of the vectors computed with <paramref name="options"/>.</summary>
    /// <param name="options">Feature options.</param>
    public static FeatureSchema For(FeatureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var columns = new List<string>();
        foreach (var block in FeatureBlock.For(options))
        {
            foreach (var (stat, suffix) in StatisticSuffixes)
            {
                if ((options.Statistics & stat) == 0)
                {
                    continue;
                }

                for (int r = 0; r < block.Rows; r++)
                {
                    columns.Add(block.ColumnName(r, suffix));
                }
            }
        }

        columns.Add("voiced_fraction");
        return new FeatureSchema(SchemaName, CurrentVersion, columns, Hash(SchemaName, CurrentVersion, options.ToCanonicalString(), columns), options);
    }

    /// <summary>Rebuilds a schema read back from storage (a model bundle); the fingerprint is kept as stored.</summary>
    /// <param name="name">Schema family.</param>
    /// <param name="version">Definitions version.</param>
    /// <param name="columns">Column names.</param>
    /// <param name="fingerprint">Stored fingerprint.</param>
    public static FeatureSchema FromStored(string name, int version, IReadOnlyList<string> columns, string fingerprint)
        => new(name, version, columns.ToArray(), fingerprint, null);

    /// <summary>The index of a column, or -1.</summary>
    /// <param name="column">Column name.</param>
    public int IndexOf(string column) => _index.TryGetValue(column, out int i) ? i : -1;

    /// <summary>Throws <see cref="FeatureSchemaMismatchException"/> unless <paramref name="actual"/> is this schema.</summary>
    /// <param name="actual">The schema of the vectors offered.</param>
    public void EnsureCompatible(FeatureSchema actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        if (Equals(actual))
        {
            return;
        }

        string why = actual.Name != Name || actual.Version != Version
            ? $"expected {Name} v{Version}, got {actual.Name} v{actual.Version}"
            : actual.Columns.Count != Columns.Count
                ? $"expected {Columns.Count} columns, got {actual.Columns.Count}"
                : $"same columns but other feature options (fingerprint {Fingerprint} vs {actual.Fingerprint})";
        throw new FeatureSchemaMismatchException($"The feature schema does not match: {why}.");
    }

    /// <inheritdoc />
    public bool Equals(FeatureSchema? other) => other is not null && Name == other.Name && Version == other.Version
        && Fingerprint == other.Fingerprint && Columns.SequenceEqual(other.Columns);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FeatureSchema);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Version, Fingerprint);

    /// <inheritdoc />
    public override string ToString() => $"{Id} ({Columns.Count} columns)";

    internal static readonly (PoolingStatistics Stat, string Suffix)[] StatisticSuffixes =
    [
        (PoolingStatistics.Mean, "mean"),
        (PoolingStatistics.StandardDeviation, "std"),
        (PoolingStatistics.Min, "min"),
        (PoolingStatistics.Max, "max"),
        (PoolingStatistics.Skewness, "skew"),
        (PoolingStatistics.Kurtosis, "kurt"),
    ];

    private static string Hash(string name, int version, string options, IEnumerable<string> columns)
    {
        var text = $"{name}\n{version}\n{options}\n{string.Join(',', columns)}";
        return Convert.ToHexStringLower(Sha256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
