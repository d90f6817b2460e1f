namespace EmotionML.Features;

/// <summary>A clip pooled into one fixed-length vector, with the schema that names its columns.</summary>
public sealed class FeatureVector
{
    /// <summary>Creates a vector.</summary>
    /// <param name="schema">The column layout.</param>
    /// <param name="values">One value per column.</param>
    public FeatureVector(FeatureSchema schema, float[] values)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != schema.Columns.Count)
        {
            throw new ArgumentException($"The schema has {schema.Columns.Count} columns but {values.Length} values were given.", nameof(values));
        }

        Schema = schema;
        Values = values;
    }

    /// <summary>The column layout.</summary>
    public FeatureSchema Schema { get; }

    /// <summary>The values, in <see cref="FeatureSchema.Columns"/> order.</summary>
    public float[] Values { get; }

    /// <summary>The value of a named column.</summary>
    /// <param name="column">A column name such as <c>mfcc00_mean</c>.</param>
    public float this[string column]
    {
        get
        {
            int i = Schema.IndexOf(column);
            return i >= 0 ? Values[i] : throw new KeyNotFoundException($"The schema {Schema.Id} has no column '{column}'.");
        }
    }

    /// <summary>Name/value pairs in column order.</summary>
    public IEnumerable<KeyValuePair<string, float>> AsPairs()
    {
        for (int i = 0; i < Values.Length; i++)
        {
            yield return new KeyValuePair<string, float>(Schema.Columns[i], Values[i]);
        }
    }
}
