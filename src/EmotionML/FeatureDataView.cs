using Microsoft.ML;
using Microsoft.ML.Data;
using EmotionML.Features;

namespace EmotionML;

/// <summary>Loads pooled feature vectors into ML.NET as an <see cref="IDataView"/>: a Features vector column whose slots carry the schema's column names, and a Label column.</summary>
public static class FeatureDataView
{
    /// <summary>A row: features and label.</summary>
    public sealed class Row
    {
        /// <summary>The pooled features.</summary>
        public float[] Features { get; set; } = [];

        /// <summary>The label.</summary>
        public string Label { get; set; } = "";
    }

    /// <summary>A row of the label key data.</summary>
    public sealed class LabelRow
    {
        /// <summary>A label.</summary>
        public string Label { get; set; } = "";
    }

    /// <summary>Builds a view over the given vectors and labels.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="schema">The feature schema (its column names become slot names).</param>
    /// <param name="features">The vectors.</param>
    /// <param name="labels">The label of each vector.</param>
    public static IDataView Create(MLContext ml, FeatureSchema schema, IReadOnlyList<float[]> features, IReadOnlyList<string> labels)
    {
        int n = schema.Columns.Count;
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, n);
        var names = new VBuffer<ReadOnlyMemory<char>>(n, schema.Columns.Select(c => c.AsMemory()).ToArray());
        definition[nameof(Row.Features)].AddAnnotation("SlotNames", names, new VectorDataViewType(TextDataViewType.Instance, n));
        var rows = features.Select((f, i) => new Row { Features = f, Label = labels[i] }).ToArray();
        return ml.Data.LoadFromEnumerable(rows, definition);
    }

    /// <summary>A one-column view listing the labels in order, for MapValueToKey's key data.</summary>
    public static IDataView Keys(MLContext ml, IEnumerable<string> labels) => ml.Data.LoadFromEnumerable(labels.Select(l => new LabelRow { Label = l }).ToArray());
}
