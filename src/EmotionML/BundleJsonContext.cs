using System.Text.Json.Serialization;

namespace EmotionML;

/// <summary>
/// Compile-time JSON contracts for what a model bundle stores as JSON (its manifest and the CNN's sidecar), used
/// through <see cref="ModelBundle.Json"/>, whose options (camel case, enums as strings, indented) apply.
/// </summary>
[JsonSerializable(typeof(ModelManifest))]
[JsonSerializable(typeof(CnnSidecar))]
internal sealed partial class BundleJsonContext : JsonSerializerContext;
