using System.Xml.Linq;
using EmotionML.Audio;
using EmotionML.TestData;

namespace EmotionML.Tests;

/// <summary>Tests that measure the process's heap run alone: other tests allocating meanwhile would be counted.</summary>
[CollectionDefinition(nameof(HeapMeasurement), DisableParallelization = true)]
public sealed class HeapMeasurement;

[Collection(nameof(HeapMeasurement))]
public sealed class PredictionWriterAndSegmentTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private static readonly XNamespace Ns = "http://www.w3.org/2009/10/emotionml";

    /// <summary>The rules of EmotionML 1.0 that a producer of category-based recognition results must follow.</summary>
    private static void AssertValidEmotionMl(string text, IReadOnlyList<string> labels)
    {
        var doc = XDocument.Parse(text);
        var root = doc.Root!;
        Assert.Equal(Ns + "emotionml", root.Name);
        Assert.Equal("1.0", (string?)root.Attribute("version"));
        var vocabularies = root.Elements(Ns + "vocabulary").ToDictionary(v => (string)v.Attribute("id")!);
        Assert.All(vocabularies.Values, v => Assert.Equal("category", (string?)v.Attribute("type")));
        foreach (var v in vocabularies.Values)
        {
            var names = v.Elements(Ns + "item").Select(i => (string)i.Attribute("name")!).ToArray();
            Assert.Equal(names.Length, names.Distinct().Count());
        }

        // The document-level category-set is a local reference "#id" to a declared category vocabulary.
        var set = (string?)root.Attribute("category-set");
        Assert.NotNull(set);
        Assert.StartsWith("#", set);
        var vocabulary = vocabularies[set![1..]].Elements(Ns + "item").Select(i => (string)i.Attribute("name")!).ToArray();
        Assert.Equal(labels, vocabulary);
        foreach (var emotion in root.Elements(Ns + "emotion"))
        {
            var children = emotion.Elements().ToArray();
            // <info> may only come first; at least one descriptor; categories from the declared set, each at most once.
            Assert.All(children.Skip(1), c => Assert.NotEqual(Ns + "info", c.Name));
            var categories = emotion.Elements(Ns + "category").ToArray();
            Assert.NotEmpty(categories);
            Assert.Equal(categories.Length, categories.Select(c => (string)c.Attribute("name")!).Distinct().Count());
            foreach (var c in categories)
            {
                Assert.Contains((string)c.Attribute("name")!, vocabulary);
                var confidence = double.Parse((string)c.Attribute("confidence")!, System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(confidence, 0, 1);
            }

            Assert.All(emotion.Elements(Ns + "reference"), r => Assert.True(Uri.TryCreate((string)r.Attribute("uri")!, UriKind.RelativeOrAbsolute, out _)));
            Assert.Contains((string)emotion.Attribute("expressed-through")!, new[] { "voice" });
        }
    }

    [Fact]
    public void Writes_valid_emotionml_json_and_csv()
    {
        using var engine = EmotionEngine.Load(fixture.ModelPath);
        var path = fixture.HeldOut[0].Path;
        var prediction = engine.Predict(File.OpenRead(path));
        var segments = engine.PredictSegments(File.OpenRead(path), new SegmentOptions { WindowLength = TimeSpan.FromSeconds(1), Hop = TimeSpan.FromSeconds(0.5) }).ToList();
        PredictionRecord[] records = [new(path, prediction), new(path, null, segments), new("broken.wav", null, null, "not audio")];

        var xml = new StringWriter();
        PredictionWriter.WriteEmotionMl(xml, records, engine.Labels);
        AssertValidEmotionMl(xml.ToString(), engine.Labels);
        var doc = XDocument.Parse(xml.ToString());
        var emotions = doc.Root!.Elements(Ns + "emotion").ToArray();
        Assert.Equal(1 + segments.Count, emotions.Length);
        Assert.Equal(prediction.Label, (string)emotions[0].Element(Ns + "category")!.Attribute("name")!);
        Assert.EndsWith(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"#t={segments[0].Start.TotalSeconds:0.###},{segments[0].End.TotalSeconds:0.###}"), (string)emotions[1].Element(Ns + "reference")!.Attribute("uri")!);
        Assert.Contains("not audio", xml.ToString());

        using var json = new MemoryStream();
        PredictionWriter.WriteJson(json, records, engine.Labels);
        using var parsed = System.Text.Json.JsonDocument.Parse(json.ToArray());
        Assert.Equal(prediction.Label, parsed.RootElement[0].GetProperty("label").GetString());
        Assert.Equal(segments.Count, parsed.RootElement[1].GetProperty("segments").GetArrayLength());
        Assert.Equal("not audio", parsed.RootElement[2].GetProperty("error").GetString());

        var csv = new StringWriter();
        PredictionWriter.WriteCsv(csv, records, engine.Labels);
        var lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1 + 1 + segments.Count + 1, lines.Length);
        // file, start, end, label, confidence, error, one column per label, inDomain, domainScore.
        Assert.Equal(8 + engine.Labels.Count, lines[0].Split(',').Length);
        Assert.All(lines.Skip(1), line => Assert.Equal(8 + engine.Labels.Count, line.Split(',').Length));
    }

    [Fact]
    public void Segments_follow_the_speech_and_skip_the_silence_between()
    {
        using var engine = EmotionEngine.Load(fixture.ModelPath);
        // Three held-out clips with 4 s of silence between them, from a non-seekable stream.
        var parts = new List<float>();
        var speech = new List<(double Start, double End)>();
        foreach (var item in fixture.HeldOut.Take(3))
        {
            var clip = new AudioDecoder().Decode(item.Path);
            speech.Add((parts.Count / 16000.0, (parts.Count + clip.Samples.Length) / 16000.0));
            parts.AddRange(clip.Samples);
            parts.AddRange(new float[4 * 16000]);
        }

        var wav = Signals.Wav16(parts.ToArray(), 16000);
        var segments = engine.PredictSegments(NonSeekableStream.Of(wav, 4096), new SegmentOptions { WindowLength = TimeSpan.FromSeconds(2), Hop = TimeSpan.FromSeconds(1) }).ToList();
        Assert.NotEmpty(segments);
        Assert.True(segments.Zip(segments.Skip(1)).All(p => p.Second.Start > p.First.Start));
        // No window lies wholly inside a silent gap, and every speech part is covered.
        Assert.All(segments, s => Assert.Contains(speech, sp => s.Start.TotalSeconds < sp.End && s.End.TotalSeconds > sp.Start));
        Assert.All(speech, sp => Assert.Contains(segments, s => s.Start.TotalSeconds < sp.End && s.End.TotalSeconds > sp.Start));
        Assert.All(segments, s => Assert.Equal(1.0, s.Scores.Values.Sum(), 3));
    }

    [Fact]
    public void A_48kHz_recording_is_resampled_once_as_it_is_read_and_windowed_at_the_models_rate()
    {
        using var engine = EmotionEngine.Load(fixture.ModelPath);
        var speech = fixture.HeldOut.Take(3).SelectMany(item => new AudioDecoder().Decode(item.Path).Samples).ToArray();
        var at48k = PolyphaseResampler.Create(16000, 48000).Resample(speech);
        var wav48k = Signals.Wav16(at48k, 48000);

        // The same signal resampled whole to 16 kHz, stored losslessly as 32-bit float: its windows are the streamed ones.
        var whole = PolyphaseResampler.Create(48000, 16000).Resample(new AudioDecoder().Decode(new MemoryStream(wav48k)).Samples);
        var wav16k = Signals.Wav(3, 1, 16000, 32, System.Runtime.InteropServices.MemoryMarshal.AsBytes(whole.AsSpan()).ToArray());

        var options = new SegmentOptions { WindowLength = TimeSpan.FromSeconds(2), Hop = TimeSpan.FromSeconds(1) };
        var streamed = engine.PredictSegments(NonSeekableStream.Of(wav48k, 3000), options).ToList();
        var expected = engine.PredictSegments(new MemoryStream(wav16k), options).ToList();
        Assert.True(streamed.Count >= 5);
        Assert.Equal(expected.Count, streamed.Count);
        foreach (var (a, b) in expected.Zip(streamed))
        {
            Assert.Equal(a.Start, b.Start);
            Assert.Equal(a.End, b.End);
            Assert.Equal(a.Scores.Values, b.Scores.Values);
        }
    }

    [Fact]
    public void A_long_recording_is_streamed_in_bounded_memory()
    {
        using var engine = EmotionEngine.Load(fixture.ModelPath);
        var clip = new AudioDecoder().Decode(fixture.HeldOut[0].Path).Samples;
        // Forty minutes of speech, generated as it is read: as 16-bit PCM it is 77 MB, as decoded floats 154 MB.
        var duration = TimeSpan.FromMinutes(40);
        using var stream = new LoopingWavStream(clip, 16000, duration);
        long wholeAsFloats = (long)(duration.TotalSeconds * 16000) * sizeof(float);
        long before = GC.GetTotalMemory(true);
        int count = 0;
        long peak = 0;
        foreach (var segment in engine.PredictSegments(stream))
        {
            count++;
            if (count % 100 == 0)
            {
                // Live objects only (a full collection first): what the enumeration still holds.
                peak = Math.Max(peak, GC.GetTotalMemory(true) - before);
            }
        }

        Assert.InRange(count, 1590, 1600); // (2400 - 3) / 1.5 + 1 windows
        // Holding the recording (or even a tenth of it) would exceed this; one window and its features do not.
        Assert.True(peak < wholeAsFloats / 10, $"the live heap grew by {peak / 1e6:F1} MB while reading {wholeAsFloats / 1e6:F0} MB of samples");
    }

    /// <summary>A WAV stream of a clip repeated up to a duration, produced on the fly.</summary>
    private sealed class LoopingWavStream(float[] clip, int rate, TimeSpan duration) : Stream
    {
        private readonly byte[] _header = Signals.Wav16([], rate)[..44];
        private readonly long _total = 44 + (long)(duration.TotalSeconds * rate) * 2;
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = 0;
            while (n < count && _position < _total)
            {
                if (_position < 44)
                {
                    // Declare a streamed data chunk (size 0xFFFFFFFF): read to the end.
                    byte b = _position is >= 40 and < 44 ? (byte)0xFF : _header[_position];
                    buffer[offset + n++] = b;
                    _position++;
                    continue;
                }

                long sample = (_position - 44) / 2;
                short value = (short)Math.Clamp(clip[sample % clip.Length] * 32767, short.MinValue, short.MaxValue);
                buffer[offset + n++] = (_position - 44) % 2 == 0 ? (byte)(value & 0xFF) : (byte)((value >> 8) & 0xFF);
                _position++;
            }

            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
