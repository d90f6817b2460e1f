using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using EmotionML.Features;
using Microsoft.ML;

namespace EmotionML;

/// <summary>
/// One file holding a trained model: a zip with <c>manifest.json</c> (labels, feature options and schema,
/// speaker normalisation, training data, split and metrics), <c>model.zip</c> (the ML.NET model), optionally
/// <c>domain.bin</c> (the out-of-domain check) and <c>cnn.onnx</c> + <c>cnn.json</c> (an imported CNN and its sidecar), and
/// <c>checksum.sha256</c> (SHA-256 over every other entry, names and bytes, in name order: editing the manifest's
/// labels or normalisation is detected like a damaged model). Written atomically; reading checks the format
/// version, the checksum and that the feature options still produce the stored schema, and reports any problem as
/// a <see cref="ModelBundleException"/>.
/// </summary>
public sealed class ModelBundle
{
    private const string ManifestEntry = "manifest.json";
    private const string ModelEntry = "model.zip";
    private const string ChecksumEntry = "checksum.sha256";
    private const string DomainEntry = "domain.bin";
    private const string CnnEntry = "cnn.onnx";
    private const string CnnSidecarEntry = "cnn.json";
    private const long MaxEntryBytes = 512L * 1024 * 1024;

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // The manifest's and the sidecar's contracts are generated at compile time (BundleJsonContext): working them
        // out by reflection emitted and compiled about 130 methods on every first load (the CLI's predict, a web
        // app's start). Other types (the training side's small records) still fall back to reflection.
        TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(BundleJsonContext.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
    };

    private ModelBundle(ModelManifest manifest, byte[]? model, byte[]? domain = null, byte[]? cnn = null, byte[]? cnnSidecar = null)
    {
        Manifest = manifest;
        ModelBytes = model;
        DomainBytes = domain;
        CnnBytes = cnn;
        CnnSidecarBytes = cnnSidecar;
    }

    /// <summary>The imported CNN's ONNX graph, when the bundle has one.</summary>
    internal byte[]? CnnBytes { get; }

    /// <summary>The imported CNN's sidecar JSON, when the bundle has one.</summary>
    internal byte[]? CnnSidecarBytes { get; }

    /// <summary>The serialised domain model, when the bundle has one.</summary>
    internal byte[]? DomainBytes { get; }

    /// <summary>What the bundle says about its model.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The serialised ML.NET model, or null for a bundle holding an imported CNN alone.</summary>
    public byte[]? ModelBytes { get; }

    /// <summary>
    /// Creates a bundle from a model. The manifest's labels, schema and speaker normalisation are taken from the
    /// model, so they cannot disagree with it; the rest (training data, validation) comes from
    /// <paramref name="manifest"/>.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="manifest">What to record about it.</param>
    public static ModelBundle Create(EmotionModel model, ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(manifest);
        byte[]? bytes = null;
        if (model.Transformer is { } transformer)
        {
            using var buffer = new MemoryStream();
            var inputSchema = FeatureDataView.Create(model.Context, model.Schema, [], []).Schema;
            model.Context.Model.Save(transformer, inputSchema, buffer);
            bytes = buffer.ToArray();
        }

        var cnn = model.Cnn;
        return new ModelBundle(manifest with
        {
            Labels = model.Labels.ToArray(),
            SchemaName = model.Schema.Name,
            SchemaVersion = model.Schema.Version,
            SchemaFingerprint = model.Schema.Fingerprint,
            SchemaColumns = model.Schema.Columns.ToArray(),
            SpeakerNormalization = model.SpeakerNormalization,
            Calibration = model.Calibration,
            Domain = model.Domain is { } d ? new DomainSummary { Threshold = d.Threshold, Coverage = d.Coverage } : null,
            ModelSha256 = bytes is null ? "" : Convert.ToHexStringLower(SHA256.HashData(bytes)),
            Cnn = cnn is null ? null : (manifest.Cnn ?? new CnnSummary { Selection = "imported as it is" }) with
            {
                Weight = model.CnnWeight,
                CnnAloneOutOfDomain = model.CnnAloneOutOfDomain,
                OnnxSha256 = Convert.ToHexStringLower(SHA256.HashData(cnn.OnnxBytes)),
                LogMelFingerprint = cnn.Sidecar.LogMel.Fingerprint,
            },
        }, bytes, model.Domain?.Serialize(), cnn?.OnnxBytes, cnn?.Sidecar.ToJson());
    }

    /// <summary>Writes the bundle atomically (temporary file, then rename).</summary>
    /// <param name="path">The bundle file.</param>
    public void Save(string path) => AtomicFile.Write(path, Save);

    /// <summary>Writes the bundle to a stream.</summary>
    /// <param name="stream">The destination.</param>
    public void Save(Stream stream)
    {
        var manifest = JsonSerializer.SerializeToUtf8Bytes(Manifest, Json);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        using (var entry = zip.CreateEntry(ManifestEntry, CompressionLevel.Optimal).Open())
        {
            entry.Write(manifest);
        }

        foreach (var (name, bytes) in Entries(manifest, ModelBytes, DomainBytes, CnnBytes, CnnSidecarBytes).Skip(1))
        {
            using var entry = zip.CreateEntry(name, name == ModelEntry ? CompressionLevel.NoCompression : CompressionLevel.Optimal).Open();
            entry.Write(bytes);
        }

        using (var entry = zip.CreateEntry(ChecksumEntry, CompressionLevel.NoCompression).Open())
        {
            entry.Write(System.Text.Encoding.ASCII.GetBytes(Checksum(Entries(manifest, ModelBytes, DomainBytes, CnnBytes, CnnSidecarBytes))));
        }
    }

    /// <summary>Reads and checks a bundle file.</summary>
    /// <param name="path">The bundle file.</param>
    public static ModelBundle Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelBundleException($"The model bundle '{path}' does not exist.");
        }

        using var stream = File.OpenRead(path);
        return Load(stream);
    }

    /// <summary>Reads and checks a bundle from a stream.</summary>
    /// <param name="stream">The bundle bytes.</param>
    public static ModelBundle Load(Stream stream)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelBundleException("The model bundle is not a valid archive (truncated or not a bundle).", ex);
        }

        using (zip)
        {
            var manifestBytes = ReadEntry(zip, ManifestEntry);
            var model = zip.GetEntry(ModelEntry) is null ? null : ReadEntry(zip, ModelEntry);
            if (zip.GetEntry(ChecksumEntry) is null)
            {
                throw new ModelBundleException($"The bundle has no '{ChecksumEntry}' entry: it was written by an older EmotionML (format 1) or is not a bundle; retrain or re-save it with this version.");
            }

            var domain = zip.GetEntry(DomainEntry) is null ? null : ReadEntry(zip, DomainEntry);
            var cnn = zip.GetEntry(CnnEntry) is null ? null : ReadEntry(zip, CnnEntry);
            var cnnSidecar = zip.GetEntry(CnnSidecarEntry) is null ? null : ReadEntry(zip, CnnSidecarEntry);
            var stored = System.Text.Encoding.ASCII.GetString(ReadEntry(zip, ChecksumEntry)).Trim();
            if (!string.Equals(stored, Checksum(Entries(manifestBytes, model, domain, cnn, cnnSidecar)), StringComparison.Ordinal))
            {
                throw new ModelBundleException("The bundle's contents do not match its checksum: the manifest or the model is corrupt or was modified.");
            }

            ModelManifest manifest;
            try
            {
                manifest = JsonSerializer.Deserialize<ModelManifest>(manifestBytes, Json) ?? throw new JsonException("empty manifest");
            }
            catch (JsonException ex)
            {
                throw new ModelBundleException($"The bundle's manifest is not valid: {ex.Message}", ex);
            }

            if (manifest.FormatVersion is not (2 or ModelManifest.CurrentFormatVersion))
            {
                throw new ModelBundleException($"The bundle has format version {manifest.FormatVersion}; this library reads versions 2 and {ModelManifest.CurrentFormatVersion}.");
            }

            if (model is null ? manifest.Cnn is not { Weight: 1 } : Convert.ToHexStringLower(SHA256.HashData(model)) != manifest.ModelSha256)
            {
                throw new ModelBundleException(model is null ? $"The model bundle has no '{ModelEntry}' entry." : "The bundle's model does not match its checksum: the file is corrupt or was modified.");
            }

            if ((manifest.Cnn is null) != (cnn is null) || (cnn is null) != (cnnSidecar is null))
            {
                throw new ModelBundleException($"The bundle's manifest and its '{CnnEntry}' / '{CnnSidecarEntry}' entries disagree.");
            }

            if (cnn is not null && Convert.ToHexStringLower(SHA256.HashData(cnn)) != manifest.Cnn!.OnnxSha256)
            {
                throw new ModelBundleException("The bundle's CNN does not match its checksum: the file is corrupt or was modified.");
            }

            if (manifest.Labels.Count < 2 || manifest.Labels.Distinct(StringComparer.Ordinal).Count() != manifest.Labels.Count)
            {
                throw new ModelBundleException("The bundle's manifest must list two or more distinct labels.");
            }

            FeatureSchema expected;
            try
            {
                expected = FeatureSchema.For(manifest.FeatureOptions);
            }
            catch (ArgumentException ex)
            {
                throw new ModelBundleException($"The bundle's feature options are invalid: {ex.Message}", ex);
            }

            try
            {
                manifest.Schema.EnsureCompatible(expected);
            }
            catch (FeatureSchemaMismatchException ex)
            {
                throw new ModelBundleException($"This library cannot compute the features the model was trained on ({manifest.SchemaName} v{manifest.SchemaVersion}): {ex.Message}", ex);
            }

            if ((manifest.Domain is null) != (domain is null))
            {
                throw new ModelBundleException("The bundle's manifest and its domain model entry disagree.");
            }

            return new ModelBundle(manifest, model, domain, cnn, cnnSidecar);
        }
    }

    /// <summary>The imported CNN stored in the bundle (checked against its sidecar), or null.</summary>
    internal CnnModel? LoadCnn(int? testCrops = null) => CnnBytes is null ? null : CnnModel.Load(CnnBytes, CnnSidecarBytes!, testCrops);

    /// <summary>The domain model stored in the bundle, or null.</summary>
    internal DomainModel? LoadDomain() => DomainBytes is null ? null : DomainModel.Deserialize(DomainBytes, Manifest.SchemaColumns.Count);

    private static IEnumerable<(string Name, byte[] Bytes)> Entries(byte[] manifest, byte[]? model, byte[]? domain, byte[]? cnn, byte[]? cnnSidecar)
    {
        yield return (ManifestEntry, manifest);
        if (model is not null)
        {
            yield return (ModelEntry, model);
        }

        if (domain is not null)
        {
            yield return (DomainEntry, domain);
        }

        if (cnn is not null)
        {
            yield return (CnnEntry, cnn);
            yield return (CnnSidecarEntry, cnnSidecar!);
        }
    }

    /// <summary>Loads the ML.NET model.</summary>
    /// <param name="ml">The context to load into.</param>
    public ITransformer LoadModel(MLContext ml)
    {
        try
        {
            using var stream = new MemoryStream(ModelBytes ?? throw new ModelBundleException("The bundle holds an imported CNN alone: it has no ML.NET model."), writable: false);
            return ml.Model.Load(stream, out _);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw new ModelBundleException($"The bundle's ML.NET model could not be loaded: {ex.Message}", ex);
        }
    }

    /// <summary>SHA-256 (lower-case hex) over the entries' names, lengths and bytes, in the order given.</summary>
    private static string Checksum(IEnumerable<(string Name, byte[] Bytes)> entries)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, bytes) in entries)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{name}\n{bytes.Length}\n"));
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static byte[] ReadEntry(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new ModelBundleException($"The model bundle has no '{name}' entry.");
        if (entry.Length > MaxEntryBytes)
        {
            throw new ModelBundleException($"The bundle's '{name}' entry declares {entry.Length} bytes, more than the {MaxEntryBytes} accepted.");
        }

        try
        {
            // Read straight into an array of the declared length (a MemoryStream's ToArray copied the graph once more,
            // a large-object-heap garbage of its size); a stream that ends early or runs on is a corrupt entry.
            using var stream = entry.Open();
            var bytes = new byte[entry.Length];
            stream.ReadExactly(bytes);
            if (stream.ReadByte() >= 0)
            {
                throw new InvalidDataException("The entry holds more bytes than it declares.");
            }

            return bytes;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            throw new ModelBundleException($"The bundle's '{name}' entry is corrupt.", ex);
        }
    }
}
