using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace EmotionML;

/// <summary>
/// Writes predictions as JSON, CSV, or W3C Emotion Markup Language (EmotionML) 1.0 XML — the standard this
/// project is named after: a category vocabulary declaring the model's labels, one <c>&lt;emotion&gt;</c> per
/// clip or segment with its most probable category and the recogniser's confidence, every label's probability
/// in <c>&lt;info&gt;</c>, and a <c>&lt;reference&gt;</c> to the audio (with a media-fragment time range for
/// segments).
/// </summary>
public static class PredictionWriter
{
    /// <summary>The EmotionML 1.0 namespace.</summary>
    public const string EmotionMlNamespace = "http://www.w3.org/2009/10/emotionml";

    /// <summary>The namespace of the per-label scores inside <c>&lt;info&gt;</c>.</summary>
    public const string ScoresNamespace = "https://github.com/emotionml-dotnet/scores";

    /// <summary>
    /// Writes a JSON array: <c>{"file", "label", "confidence", "durationSeconds", "inDomain"?, "domainScore"?,
    /// "lowConfidence"?, "scores", "segments"?}</c> or <c>{"file", "error"}</c>.
    /// </summary>
    /// <param name="output">The destination.</param>
    /// <param name="records">The predictions.</param>
    /// <param name="labels">The model's labels.</param>
    /// <param name="minConfidence">Predictions below this confidence get <c>"lowConfidence": true</c> (0: never).</param>
    public static void WriteJson(Stream output, IEnumerable<PredictionRecord> records, IReadOnlyList<string> labels, double minConfidence = 0)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        foreach (var r in records)
        {
            json.WriteStartObject();
            json.WriteString("file", r.Source);
            if (r.Error is not null)
            {
                json.WriteString("error", r.Error);
            }

            if (r.Prediction is { } p)
            {
                json.WriteString("label", p.Label);
                json.WriteNumber("confidence", Math.Round(p.Confidence, 6));
                if (p.Confidence < minConfidence)
                {
                    json.WriteBoolean("lowConfidence", true);
                }

                json.WriteNumber("durationSeconds", Math.Round(p.Duration.TotalSeconds, 6));
                WriteDomain(json, p.InDomain, p.DomainScore);
                WriteScores(json, p.Scores, labels);
            }

            if (r.Segments is { } segments)
            {
                json.WriteStartArray("segments");
                foreach (var s in segments)
                {
                    json.WriteStartObject();
                    json.WriteNumber("start", Math.Round(s.Start.TotalSeconds, 3));
                    json.WriteNumber("end", Math.Round(s.End.TotalSeconds, 3));
                    json.WriteString("label", s.Label);
                    json.WriteNumber("confidence", Math.Round(s.Confidence, 6));
                    if (s.Confidence < minConfidence)
                    {
                        json.WriteBoolean("lowConfidence", true);
                    }

                    WriteDomain(json, s.InDomain, s.DomainScore);
                    WriteScores(json, s.Scores, labels);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.Flush();
        output.WriteByte((byte)'\n');
    }

    /// <summary>Writes CSV: one row per clip (or per segment, with start and end), a column per label.</summary>
    public static void WriteCsv(TextWriter output, IEnumerable<PredictionRecord> records, IReadOnlyList<string> labels)
    {
        var inv = CultureInfo.InvariantCulture;
        output.Write("file,start,end,label,confidence,error," + string.Join(',', labels) + ",inDomain,domainScore\n");
        foreach (var r in records)
        {
            var rows = new List<(string Start, string End, string Label, float? Confidence, IReadOnlyDictionary<string, float>? Scores, bool? InDomain, double? DomainScore)>();
            if (r.Segments is { } segments)
            {
                rows.AddRange(segments.Select(s => (s.Start.TotalSeconds.ToString("0.###", inv), s.End.TotalSeconds.ToString("0.###", inv), s.Label, (float?)s.Confidence, (IReadOnlyDictionary<string, float>?)s.Scores, s.InDomain, s.DomainScore)));
            }
            else if (r.Prediction is { } p)
            {
                rows.Add(("0", p.Duration.TotalSeconds.ToString("0.###", inv), p.Label, p.Confidence, p.Scores, p.InDomain, p.DomainScore));
            }
            else
            {
                rows.Add(("", "", "", null, null, null, null));
            }

            foreach (var row in rows)
            {
                var b = new StringBuilder();
                b.Append(Csv(r.Source)).Append(',').Append(row.Start).Append(',').Append(row.End).Append(',').Append(row.Label).Append(',')
                    .Append(row.Confidence?.ToString("R", inv)).Append(',').Append(Csv(r.Error ?? ""));
                foreach (var label in labels)
                {
                    b.Append(',').Append(row.Scores?[label].ToString("R", inv));
                }

                b.Append(',').Append(row.InDomain is { } d ? (d ? "true" : "false") : "").Append(',').Append(row.DomainScore?.ToString("0.####", inv));

                output.Write(b.Append('\n').ToString());
            }
        }
    }

    /// <summary>Writes an EmotionML 1.0 document.</summary>
    /// <param name="output">The destination.</param>
    /// <param name="records">The predictions (inputs with errors are written as XML comments).</param>
    /// <param name="labels">The model's labels: the category vocabulary.</param>
    /// <param name="vocabularyId">The vocabulary's id (an XML NCName).</param>
    public static void WriteEmotionMl(TextWriter output, IEnumerable<PredictionRecord> records, IReadOnlyList<string> labels, string vocabularyId = "emotionml-dotnet-labels")
    {
        var inv = CultureInfo.InvariantCulture;
        using var xml = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false });
        xml.WriteStartDocument();
        xml.WriteStartElement("emotionml", EmotionMlNamespace);
        xml.WriteAttributeString("version", "1.0");
        xml.WriteAttributeString("category-set", "#" + vocabularyId);
        xml.WriteAttributeString("xmlns", "eml", null, ScoresNamespace);
        xml.WriteStartElement("vocabulary", EmotionMlNamespace);
        xml.WriteAttributeString("type", "category");
        xml.WriteAttributeString("id", vocabularyId);
        foreach (var label in labels)
        {
            xml.WriteStartElement("item", EmotionMlNamespace);
            xml.WriteAttributeString("name", label);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        foreach (var r in records)
        {
            if (r.Error is not null)
            {
                xml.WriteComment($" {r.Source}: {r.Error.Replace("--", "- -", StringComparison.Ordinal)} ");
                continue;
            }

            var uri = ToUri(r.Source);
            if (r.Segments is { } segments)
            {
                foreach (var s in segments)
                {
                    WriteEmotion(xml, s.Label, s.Confidence, s.Scores, labels, string.Create(inv, $"{uri}#t={s.Start.TotalSeconds:0.###},{s.End.TotalSeconds:0.###}"), s.InDomain, s.DomainScore);
                }
            }
            else if (r.Prediction is { } p)
            {
                WriteEmotion(xml, p.Label, p.Confidence, p.Scores, labels, uri, p.InDomain, p.DomainScore);
            }
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteEmotion(XmlWriter xml, string label, float confidence, IReadOnlyDictionary<string, float> scores, IReadOnlyList<string> labels, string uri, bool? inDomain, double? domainScore)
    {
        var inv = CultureInfo.InvariantCulture;
        xml.WriteStartElement("emotion", EmotionMlNamespace);
        xml.WriteAttributeString("expressed-through", "voice");
        xml.WriteStartElement("info", EmotionMlNamespace);
        if (inDomain is { } domain)
        {
            // The spec lets <info> carry any content in another namespace: the out-of-domain check goes here.
            xml.WriteStartElement("eml", "domain", ScoresNamespace);
            xml.WriteAttributeString("in-domain", domain ? "true" : "false");
            xml.WriteAttributeString("score", (domainScore ?? double.NaN).ToString("0.####", inv));
            xml.WriteEndElement();
        }

        foreach (var l in labels)
        {
            xml.WriteStartElement("eml", "score", ScoresNamespace);
            xml.WriteAttributeString("label", l);
            xml.WriteAttributeString("probability", Math.Clamp(scores[l], 0f, 1f).ToString("0.######", inv));
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteStartElement("category", EmotionMlNamespace);
        xml.WriteAttributeString("name", label);
        xml.WriteAttributeString("confidence", Math.Clamp(confidence, 0f, 1f).ToString("0.######", inv));
        xml.WriteEndElement();
        xml.WriteStartElement("reference", EmotionMlNamespace);
        xml.WriteAttributeString("uri", uri);
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteDomain(Utf8JsonWriter json, bool? inDomain, double? domainScore)
    {
        if (inDomain is { } domain)
        {
            json.WriteBoolean("inDomain", domain);
            json.WriteNumber("domainScore", Math.Round(domainScore is { } d && double.IsFinite(d) ? d : 1e9, 4));
        }
    }

    private static void WriteScores(Utf8JsonWriter json, IReadOnlyDictionary<string, float> scores, IReadOnlyList<string> labels)
    {
        json.WriteStartObject("scores");
        foreach (var label in labels)
        {
            json.WriteNumber(label, Math.Round(scores[label], 6));
        }

        json.WriteEndObject();
    }

    private static string ToUri(string source) =>
        Uri.TryCreate(Path.GetFullPath(source), UriKind.Absolute, out var uri) && File.Exists(source) ? uri.AbsoluteUri : Uri.EscapeDataString(source);

    /// <summary>A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.</summary>
    internal static string Csv(string text) => text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
