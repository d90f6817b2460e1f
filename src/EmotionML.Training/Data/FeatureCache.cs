using System.Security.Cryptography;
using EmotionML.Features;

namespace EmotionML.Training.Data;

/// <summary>
/// Pooled feature vectors on disk, keyed by the file's content hash (SHA-256) and the feature schema's
/// fingerprint, so that a second run over the same audio with the same features extracts nothing, and a
/// renamed or moved file is still found. Entries are written atomically; a corrupt entry is recomputed.
/// </summary>
public sealed class FeatureCache
{
    private const uint Magic = 0x31564645; // "EFV1"

    /// <summary>Creates a cache in <paramref name="directory"/> (created if needed).</summary>
    /// <param name="directory">The cache folder.</param>
    public FeatureCache(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
    }

    /// <summary>The cache folder.</summary>
    public string Directory { get; }

    /// <summary>The default cache folder: <c>$EMOTIONML_CACHE</c>, else <c>~/.cache/emotionml/features</c>.</summary>
    public static string DefaultDirectory => Environment.GetEnvironmentVariable("EMOTIONML_CACHE") is { Length: > 0 } env
        ? env
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "emotionml", "features");

    /// <summary>The SHA-256 of a file's bytes, hex.</summary>
    /// <param name="path">The file.</param>
    public static string ContentHash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Reads a cached vector, or null.</summary>
    /// <param name="contentHash">The file's content hash.</param>
    /// <param name="schema">The schema the vector must have.</param>
    public float[]? TryGet(string contentHash, FeatureSchema schema)
    {
        var path = EntryPath(contentHash, schema);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length < 8 || BitConverter.ToUInt32(bytes, 0) != Magic)
            {
                return null;
            }

            int count = BitConverter.ToInt32(bytes, 4);
            if (count != schema.Columns.Count || bytes.Length != 8 + 4 * count)
            {
                return null;
            }

            var values = new float[count];
            Buffer.BlockCopy(bytes, 8, values, 0, 4 * count);
            return values.All(float.IsFinite) ? values : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Stores a vector atomically.</summary>
    /// <param name="contentHash">The file's content hash.</param>
    /// <param name="schema">The vector's schema.</param>
    /// <param name="values">The vector.</param>
    public void Put(string contentHash, FeatureSchema schema, float[] values)
    {
        var path = EntryPath(contentHash, schema);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = new byte[8 + 4 * values.Length];
        BitConverter.TryWriteBytes(bytes.AsSpan(0), Magic);
        BitConverter.TryWriteBytes(bytes.AsSpan(4), values.Length);
        Buffer.BlockCopy(values, 0, bytes, 8, 4 * values.Length);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    private string EntryPath(string contentHash, FeatureSchema schema) =>
        Path.Combine(Directory, $"{schema.Name}-v{schema.Version}-{schema.Fingerprint}", contentHash[..2], contentHash + ".bin");
}
