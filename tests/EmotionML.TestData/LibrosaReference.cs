using System.Text.Json;

namespace EmotionML.TestData;

/// <summary>One librosa reference file (<c>reference/librosa/NAME.json</c>, or <c>NAME.frames.json</c>).</summary>
public sealed class LibrosaReference
{
    private readonly JsonElement _root;

    private LibrosaReference(string name, JsonElement root)
    {
        Name = name;
        _root = root;
    }

    /// <summary>The clip name, without extension.</summary>
    public string Name { get; }

    /// <summary>The clip's WAV path.</summary>
    public string AudioPath => Path.Combine(SharedData.ReferenceDir, "audio", Name + ".wav");

    /// <summary>Names of every clip with a reference file.</summary>
    public static IEnumerable<string> Names() => Directory.GetFiles(Path.Combine(SharedData.ReferenceDir, "librosa"), "*.json")
        .Select(Path.GetFileName).Where(f => !f!.EndsWith(".frames.json", StringComparison.Ordinal))
        .Select(f => f![..^5]).OrderBy(n => n, StringComparer.Ordinal);

    /// <summary>Names of clips with per-frame matrices.</summary>
    public static IEnumerable<string> FrameNames() => Directory.GetFiles(Path.Combine(SharedData.ReferenceDir, "librosa"), "*.frames.json")
        .Select(f => Path.GetFileName(f)[..^12]).OrderBy(n => n, StringComparer.Ordinal);

    /// <summary>Loads a reference file.</summary>
    public static LibrosaReference Load(string name, bool frames = false)
    {
        var path = Path.Combine(SharedData.ReferenceDir, "librosa", name + (frames ? ".frames.json" : ".json"));
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return new LibrosaReference(name, doc.RootElement.Clone());
    }

    /// <summary>Whether a configuration (<c>native</c>, <c>sr22050_polyphase</c>) is present.</summary>
    public bool HasConfig(string config) => _root.GetProperty("configs").TryGetProperty(config, out var c) && c.ValueKind == JsonValueKind.Object;

    /// <summary>A configuration's sample rate.</summary>
    public int SampleRate(string config) => Config(config).GetProperty("sr").GetInt32();

    /// <summary>A scalar of a configuration (e.g. <c>chroma_tuning_power</c>).</summary>
    public double Scalar(string config, string name) => Config(config).GetProperty(name).GetDouble();

    /// <summary>Whether a feature is present in a configuration.</summary>
    public bool HasFeature(string config, string feature) => Config(config).GetProperty("features").TryGetProperty(feature, out _);

    /// <summary>A feature's per-row time means.</summary>
    public double[] Mean(string config, string feature) => Vector(Feature(config, feature).GetProperty("mean"));

    /// <summary>A feature's per-row time standard deviations.</summary>
    public double[] Std(string config, string feature) => Vector(Feature(config, feature).GetProperty("std"));

    /// <summary>A feature's frame matrix (rows × frames), when the file holds it.</summary>
    public double[][] Frames(string config, string feature) => Feature(config, feature).GetProperty("frames").EnumerateArray().Select(Vector).ToArray();

    /// <summary>The decoded signal <c>y</c>, when the file holds it.</summary>
    public float[] Signal(string config) => Config(config).GetProperty("y").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

    private JsonElement Config(string config) => _root.GetProperty("configs").GetProperty(config);

    private JsonElement Feature(string config, string feature) => Config(config).GetProperty("features").GetProperty(feature);

    private static double[] Vector(JsonElement e) => e.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray();
}
