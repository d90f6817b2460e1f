using System.Globalization;
using System.Text;
using System.Text.Json;
using EmotionML.Features;

namespace EmotionML.Cli;

/// <summary>Writes per-file feature vectors as JSON or CSV.</summary>
internal static class FeatureWriter
{
    /// <summary>
    /// One object per file (path, schema, rate, duration and the named features, or the error). Indented for a person
    /// reading a terminal; compact (one line, about a third smaller) when <paramref name="indented"/> is false, as for
    /// a file, written by <see cref="CompactJsonWriter"/> (System.Text.Json's text without loading it) unless a string
    /// holds a surrogate pair or a value is not finite. Either writer hands its buffer to the stream every 64 KB
    /// rather than holding the whole document.
    /// </summary>
    public static void WriteJson(Stream output, IReadOnlyList<FileFeatureResult> results, FeatureSchema schema, bool indented = true)
    {
        if (!indented && CompactWriterFits(results, schema))
        {
            WriteCompactJson(output, results, schema);
        }
        else
        {
            WriteJsonByRuntime(output, results, schema, indented);
        }
    }

    /// <summary>The document through System.Text.Json's writer (the terminal's indented text, and the rare compact case <see cref="CompactJsonWriter"/> leaves to it).</summary>
    internal static void WriteJsonByRuntime(Stream output, IReadOnlyList<FileFeatureResult> results, FeatureSchema schema, bool indented)
    {
        var names = new JsonEncodedText[schema.Columns.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = JsonEncodedText.Encode(schema.Columns[i]);
        }

        Span<byte> number = stackalloc byte[ShortestFloat.MaxLength];
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented });
        json.WriteStartArray();
        foreach (var r in results)
        {
            json.WriteStartObject();
            json.WriteString("file", r.Path);
            if (r.Vector is { } vector)
            {
                json.WriteString("schema", schema.Id);
                json.WriteNumber("sampleRate", r.SourceSampleRate);
                json.WriteNumber("durationSeconds", Math.Round(r.DurationSeconds, 6));
                json.WritePropertyName("features");
                json.WriteStartObject();
                for (int i = 0; i < vector.Values.Length; i++)
                {
                    float value = vector.Values[i];
                    if (float.IsFinite(value))
                    {
                        // The runtime's text for the number, formatted by ShortestFloat (several times faster).
                        json.WritePropertyName(names[i]);
                        json.WriteRawValue(number[..ShortestFloat.Format(value, number)], skipInputValidation: true);
                    }
                    else
                    {
                        json.WriteNumber(names[i], value); // refused, as JSON has no such number
                    }
                }

                json.WriteEndObject();
            }
            else
            {
                json.WriteString("error", r.Error);
            }

            json.WriteEndObject();
            if (json.BytesPending > 1 << 16)
            {
                json.Flush();
            }
        }

        json.WriteEndArray();
        json.Flush();
        output.WriteByte((byte)'\n');
    }

    private static bool CompactWriterFits(IReadOnlyList<FileFeatureResult> results, FeatureSchema schema)
    {
        if (!CompactJsonWriter.CanWrite(schema.Id) || !schema.Columns.All(CompactJsonWriter.CanWrite))
        {
            return false;
        }

        foreach (var r in results)
        {
            if (!CompactJsonWriter.CanWrite(r.Path) || (r.Error is { } error && !CompactJsonWriter.CanWrite(error)))
            {
                return false;
            }

            if (r.Vector is { } vector)
            {
                foreach (float value in vector.Values)
                {
                    if (!float.IsFinite(value))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    private static void WriteCompactJson(Stream output, IReadOnlyList<FileFeatureResult> results, FeatureSchema schema)
    {
        var features = new CompactFeatures(schema.Columns);
        var json = new CompactJsonWriter(output);
        json.StartArray();
        foreach (var r in results)
        {
            json.StartObject();
            json.String("file", r.Path);
            if (r.Vector is { } vector)
            {
                json.String("schema", schema.Id);
                json.Number("sampleRate", r.SourceSampleRate);
                json.Number("durationSeconds", Math.Round(r.DurationSeconds, 6));
                json.RawValue("features", features.Format(vector.Values));
            }
            else
            {
                json.String("error", r.Error ?? "");
            }

            json.EndObject();
        }

        json.EndArray();
        json.Flush();
        output.WriteByte((byte)'\n');
    }

    /// <summary>
    /// A file's features object as one compact JSON text (<c>{"name":value,...}</c>): the names' quoted, escaped bytes
    /// are laid out once, and per value only the number is formatted. A writer call per name and per value cost about
    /// as much as the formatting itself (a 720-clip run spent 5 % of its time writing JSON).
    /// </summary>
    private sealed class CompactFeatures
    {
        private readonly byte[] _names; // "name": for every column, one after another
        private readonly int[] _ends;
        private readonly byte[] _buffer;

        public CompactFeatures(IReadOnlyList<string> columns)
        {
            _ends = new int[columns.Count];
            var all = new List<byte>();
            for (int i = 0; i < columns.Count; i++)
            {
                all.Add((byte)'"');
                CompactJsonWriter.Escape(columns[i], all);
                all.Add((byte)'"');
                all.Add((byte)':');
                _ends[i] = all.Count;
            }

            _names = [.. all];
            _buffer = new byte[_names.Length + (columns.Count * (ShortestFloat.MaxLength + 1)) + 2];
        }

        /// <summary>The object's text (every value finite).</summary>
        public ReadOnlySpan<byte> Format(ReadOnlySpan<float> values)
        {
            if (values.Length != _ends.Length)
            {
                throw new ArgumentException("The vector does not match the schema's columns.", nameof(values));
            }

            var buffer = _buffer.AsSpan();
            int at = 0, start = 0;
            buffer[at++] = (byte)'{';
            for (int i = 0; i < values.Length; i++)
            {
                if (i > 0)
                {
                    buffer[at++] = (byte)',';
                }

                var name = _names.AsSpan(start, _ends[i] - start);
                name.CopyTo(buffer[at..]);
                at += name.Length;
                at += ShortestFloat.Format(values[i], buffer[at..]);
                start = _ends[i];
            }

            buffer[at++] = (byte)'}';
            return buffer[..at];
        }
    }

    public static void WriteCsv(Stream output, IReadOnlyList<FileFeatureResult> results, FeatureSchema schema)
    {
        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        writer.Write("file,schema,sampleRate,durationSeconds,error");
        foreach (var column in schema.Columns)
        {
            writer.Write(',');
            writer.Write(column);
        }

        writer.Write('\n');
        Span<byte> number = stackalloc byte[ShortestFloat.MaxLength];
        Span<char> text = stackalloc char[ShortestFloat.MaxLength];
        foreach (var r in results)
        {
            writer.Write(Quote(r.Path));
            writer.Write(',');
            writer.Write(schema.Id);
            writer.Write(',');
            writer.Write(r.Succeeded ? r.SourceSampleRate.ToString(CultureInfo.InvariantCulture) : "");
            writer.Write(',');
            writer.Write(r.Succeeded ? Math.Round(r.DurationSeconds, 6).ToString("R", CultureInfo.InvariantCulture) : "");
            writer.Write(',');
            writer.Write(r.Error is null ? "" : Quote(r.Error));
            var values = r.Vector?.Values;
            for (int i = 0; i < schema.Columns.Count; i++)
            {
                writer.Write(',');
                if (values is not null)
                {
                    if (float.IsFinite(values[i]))
                    {
                        int length = ShortestFloat.Format(values[i], number);
                        for (int c = 0; c < length; c++)
                        {
                            text[c] = (char)number[c];
                        }

                        writer.Write(text[..length]);
                    }
                    else
                    {
                        writer.Write(values[i].ToString("R", CultureInfo.InvariantCulture));
                    }
                }
            }

            writer.Write('\n');
        }
    }

    private static string Quote(string text) => text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
