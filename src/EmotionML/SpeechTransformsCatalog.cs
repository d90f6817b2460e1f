using EmotionML;
using EmotionML.Audio;
using EmotionML.Features;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Microsoft.ML;

/// <summary>
/// EmotionML's feature extraction as ML.NET estimators, so an ML.NET user composes
/// <c>audio path → features → any trainer (or ApplyOnnxModel)</c> and saves and loads the pipeline with
/// <c>mlContext.Model</c>. The input column holds audio file paths (text), as <c>LoadImages</c>' does image paths.
/// </summary>
/// <example>
/// <code>
/// var pipeline = ml.Transforms.ExtractSpeechFeatures("Features", "Path")
///     .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
///     .Append(ml.MulticlassClassification.Trainers.LightGbm());
/// var model = pipeline.Fit(data);
/// ml.Model.Save(model, data.Schema, "model.zip");
/// // in another process: register EmotionML's mappings before loading
/// ml.ComponentCatalog.RegisterAssembly(typeof(SpeechTransformsCatalog).Assembly);
/// </code>
/// </example>
public static class SpeechTransformsCatalog
{
    /// <summary>
    /// The pooled feature vector (<see cref="FeatureOptions.Default"/>: librosa's defaults at 16 kHz) of each clip,
    /// with the schema's column names as slot names (a pipeline loaded from a file keeps the values and the vector
    /// size, not the slot names). Saved pipelines load after
    /// <c>ComponentCatalog.RegisterAssembly(typeof(SpeechTransformsCatalog).Assembly)</c>.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to create.</param>
    /// <param name="inputColumnName">The text column of audio file paths.</param>
    public static IEstimator<ITransformer> ExtractSpeechFeatures(this TransformsCatalog catalog, string outputColumnName = "Features", string inputColumnName = "Audio")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var schema = FeatureSchema.For(FeatureOptions.Default);
        if (schema.Columns.Count != SpeechFeaturesMapping.Length)
        {
            throw new InvalidOperationException($"The default feature vector has {schema.Columns.Count} columns; the saved mapping declares {SpeechFeaturesMapping.Length}.");
        }

        var output = SchemaDefinition.Create(typeof(SpeechFeaturesMapping.Output));
        var column = output[nameof(SpeechFeaturesMapping.Output.SpeechFeatures)];
        column.ColumnType = new VectorDataViewType(NumberDataViewType.Single, schema.Columns.Count);
        var names = new VBuffer<ReadOnlyMemory<char>>(schema.Columns.Count, schema.Columns.Select(c => c.AsMemory()).ToArray());
        column.AddAnnotation("SlotNames", names, new VectorDataViewType(TextDataViewType.Instance, schema.Columns.Count));
        return Wrap(catalog, outputColumnName, inputColumnName, SpeechFeaturesMapping.ContractName, new SpeechFeaturesMapping().GetMapping(), nameof(SpeechFeaturesMapping.Output.SpeechFeatures), output);
    }

    /// <summary>
    /// The log-mel spectrogram (<see cref="LogMelFeatureOptions.Default"/>: 64 bands, 25 ms / 10 ms) of each clip as
    /// a fixed [64 × 256] vector, band after band (centre 256 frames; shorter clips padded with their dB floor): the
    /// input shape of EmotionML's CNNs, ready for <c>ApplyOnnxModel</c>.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to create.</param>
    /// <param name="inputColumnName">The text column of audio file paths.</param>
    public static IEstimator<ITransformer> ExtractLogMel(this TransformsCatalog catalog, string outputColumnName = "LogMel", string inputColumnName = "Audio")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var output = SchemaDefinition.Create(typeof(LogMelMapping.Output));
        output[nameof(LogMelMapping.Output.LogMelTensor)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, LogMelMapping.Bands * LogMelMapping.Frames);
        return Wrap(catalog, outputColumnName, inputColumnName, LogMelMapping.ContractName, new LogMelMapping().GetMapping(), nameof(LogMelMapping.Output.LogMelTensor), output);
    }

    private static IEstimator<ITransformer> Wrap<TOut>(TransformsCatalog catalog, string outputColumnName, string inputColumnName, string contract, Action<AudioInput, TOut> mapping, string produced, SchemaDefinition output)
        where TOut : class, new()
    {
        // The mapping's columns have fixed names: the user's input is copied to it and the result copied out.
        return catalog.CopyColumns(nameof(AudioInput.EmotionMLAudioPath), inputColumnName)
            .Append(catalog.CustomMapping(mapping, contract, outputSchemaDefinition: output))
            .Append(catalog.CopyColumns(outputColumnName, produced))
            .Append(catalog.DropColumns(nameof(AudioInput.EmotionMLAudioPath), produced));
    }

    /// <summary>The mapping's input: an audio file path.</summary>
    public sealed class AudioInput
    {
        /// <summary>The path (the catalog copies the user's column here).</summary>
        public string EmotionMLAudioPath { get; set; } = "";
    }

    /// <summary>The saved form of <see cref="ExtractSpeechFeatures"/> (registered with <c>ComponentCatalog.RegisterAssembly</c>).</summary>
    [CustomMappingFactoryAttribute(ContractName)]
    public sealed class SpeechFeaturesMapping : CustomMappingFactory<AudioInput, SpeechFeaturesMapping.Output>
    {
        /// <summary>The contract name saved with the pipeline.</summary>
        public const string ContractName = "EmotionML.SpeechFeatures.v1";

        /// <summary>The length of <see cref="FeatureOptions.Default"/>'s vector (a loaded pipeline knows the size from this, not from the options).</summary>
        internal const int Length = 469;

        private static readonly SpeechFeatureExtractor Extractor = new(FeatureOptions.Default);

        /// <inheritdoc />
        public override Action<AudioInput, Output> GetMapping() => (input, output) =>
            output.SpeechFeatures = Extractor.Extract(new AudioDecoder().Decode(input.EmotionMLAudioPath)).Values;

        /// <summary>The mapping's output.</summary>
        public sealed class Output
        {
            /// <summary>The pooled vector.</summary>
            [VectorType(Length)]
            public float[] SpeechFeatures { get; set; } = [];
        }
    }

    /// <summary>The saved form of <see cref="ExtractLogMel"/> (registered with <c>ComponentCatalog.RegisterAssembly</c>).</summary>
    [CustomMappingFactoryAttribute(ContractName)]
    public sealed class LogMelMapping : CustomMappingFactory<AudioInput, LogMelMapping.Output>
    {
        /// <summary>The contract name saved with the pipeline.</summary>
        public const string ContractName = "EmotionML.LogMel64x256.v1";

        internal const int Bands = 64;
        internal const int Frames = 256;
        private static readonly LogMelExtractor Extractor = new(LogMelFeatureOptions.Default);

        /// <inheritdoc />
        public override Action<AudioInput, Output> GetMapping() => (input, output) =>
            output.LogMelTensor = CnnModel.CentreCrop(Extractor.Extract(new AudioDecoder().Decode(input.EmotionMLAudioPath)), Frames);

        /// <summary>The mapping's output.</summary>
        public sealed class Output
        {
            /// <summary>[64 × 256] dB values, band after band.</summary>
            [VectorType(Bands * Frames)]
            public float[] LogMelTensor { get; set; } = [];
        }
    }
}
