using System.Text.Json;
using EmotionML.Features;
using EmotionML.TestData;

namespace EmotionML.Cli.Tests;

/// <summary>
/// <see cref="CompactJsonWriter"/> writes exactly System.Text.Json's compact text: for every BMP character in a string,
/// for numbers, and for whole features documents whose file names and errors hold characters JSON must escape.
/// </summary>
public sealed class CompactJsonWriterTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("emotionml-json-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Every_bmp_character_is_escaped_as_the_runtime_escapes_it()
    {
        var all = new string([.. Enumerable.Range(0, 0x10000).Select(c => (char)c).Where(c => !char.IsSurrogate(c))]);
        Assert.True(CompactJsonWriter.CanWrite(all));
        Assert.False(CompactJsonWriter.CanWrite("smile \U0001F600"));
        Assert.Equal(Runtime(w => w.WriteString("s", all)), Ours(w => w.String("s", all)));
        var escaped = new List<byte>();
        CompactJsonWriter.Escape(all, escaped);
        Assert.Equal(JsonEncodedText.Encode(all).EncodedUtf8Bytes.ToArray(), escaped.ToArray());
    }

    [Fact]
    public void Numbers_get_the_runtimes_text()
    {
        var random = new Random(19);
        var doubles = new List<double> { 0, 1, -1, 1e-6, 5e-7, 0.1, 3.64, 123456.789012, 1e15, 1e16, 1e21, double.MaxValue, double.Epsilon };
        for (int i = 0; i < 20_000; i++)
        {
            doubles.Add(Math.Round(Math.Pow(10, random.Next(-8, 12)) * random.NextDouble(), random.Next(0, 9)));
        }

        int[] ints = [0, 1, -1, 16000, 44100, int.MaxValue, int.MinValue];
        Assert.Equal(
            Runtime(w => { foreach (var d in doubles) { w.WriteNumber("d", d); } foreach (var n in ints) { w.WriteNumber("n", n); } }),
            Ours(w => { foreach (var d in doubles) { w.Number("d", d); } foreach (var n in ints) { w.Number("n", n); } }));
    }

    [Fact]
    public void A_features_document_is_the_runtime_writers_compact_text()
    {
        // Real results: a clip under names JSON must escape, files that cannot be read (their errors quote the
        // names), and one name with a surrogate pair, which the runtime's writer takes over.
        var sample = Path.Combine(SharedData.SamplesDir, "ravdess-angry-actor12.wav");
        string[] names = ["quote \" & amp < > ' + ` back\\slash.wav", "tab\tnew\nline\u007f é 日本.wav"];
        var paths = new List<string>();
        foreach (var name in names)
        {
            var path = Path.Combine(_temp, name);
            File.Copy(sample, path);
            paths.Add(path);
        }

        paths.Add(Path.Combine(_temp, "missing \"one\" <☃>.wav"));
        File.WriteAllText(Path.Combine(_temp, "not audio.wav"), "this is not audio");
        paths.Add(Path.Combine(_temp, "not audio.wav"));
        var extractor = new FileFeatureExtractor(new SpeechFeatureExtractor());
        var results = extractor.ExtractFiles(paths, 1);
        Assert.Equal(2, results.Count(r => r.Succeeded));
        Assert.Equal(CompactByRuntime(results), Compact(results));
        JsonDocument.Parse(Compact(results)).Dispose();

        var emoji = Path.Combine(_temp, "smile \U0001F600.wav");
        File.Copy(sample, emoji);
        var withEmoji = extractor.ExtractFiles([.. paths, emoji], 1);
        Assert.Equal(CompactByRuntime(withEmoji), Compact(withEmoji));
    }

    private static byte[] Compact(IReadOnlyList<FileFeatureResult> results)
    {
        using var stream = new MemoryStream();
        FeatureWriter.WriteJson(stream, results, results.First(r => r.Succeeded).Vector!.Schema, indented: false);
        return stream.ToArray();
    }

    private static byte[] CompactByRuntime(IReadOnlyList<FileFeatureResult> results)
    {
        using var stream = new MemoryStream();
        FeatureWriter.WriteJsonByRuntime(stream, results, results.First(r => r.Succeeded).Vector!.Schema, indented: false);
        return stream.ToArray();
    }

    private static byte[] Runtime(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static byte[] Ours(Action<CompactJsonWriter> write)
    {
        using var stream = new MemoryStream();
        var writer = new CompactJsonWriter(stream);
        writer.StartObject();
        write(writer);
        writer.EndObject();
        writer.Flush();
        return stream.ToArray();
    }
}
