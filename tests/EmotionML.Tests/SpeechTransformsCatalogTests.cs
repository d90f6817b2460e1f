using EmotionML.Audio;
using EmotionML.Features;
using EmotionML.TestData;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace EmotionML.Tests;

public sealed class SpeechTransformsCatalogTests
{
    private sealed class Clip
    {
        public string Path { get; set; } = "";

        public string Label { get; set; } = "";
    }

    private sealed class Scored
    {
        public float[] Score { get; set; } = [];
    }

    /// <summary>Saves a fitted pipeline and loads it into a fresh context, as another process would (EmotionML's mappings registered).</summary>
    private static (MLContext Context, ITransformer Model) SaveAndLoad(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        using var saved = new MemoryStream();
        ml.Model.Save(model, schema, saved);
        saved.Position = 0;
        var other = new MLContext(1);
        other.ComponentCatalog.RegisterAssembly(typeof(SpeechTransformsCatalog).Assembly);
        return (other, other.Model.Load(saved, out _));
    }

    private static Clip[] Clips() => SharedData.RavdessClips(24)
        .Select(p => new Clip { Path = p, Label = System.IO.Path.GetFileName(p).Split('-')[2] }).ToArray();

    [Fact]
    public void Speech_features_in_an_MLNET_pipeline_have_slot_names_equal_the_extractor_and_survive_save_and_load()
    {
        var ml = new MLContext(0);
        var clips = Clips();
        var data = ml.Data.LoadFromEnumerable(clips);
        var pipeline = ml.Transforms.ExtractSpeechFeatures("Features", "Path")
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy());
        var model = pipeline.Fit(data);
        var transformed = model.Transform(data);

        var column = transformed.Schema["Features"];
        var schema = FeatureSchema.For(FeatureOptions.Default);
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        column.GetSlotNames(ref names);
        Assert.Equal(schema.Columns, names.DenseValues().Select(n => n.ToString()));
        Assert.DoesNotContain(transformed.Schema, c => c.Name.StartsWith("EmotionML", StringComparison.Ordinal) || c.Name == "SpeechFeatures");

        var first = transformed.GetColumn<float[]>("Features").First();
        Assert.Equal(new SpeechFeatureExtractor().Extract(new AudioDecoder().Decode(clips[0].Path)).Values, first);

        var (other, loaded) = SaveAndLoad(ml, model, data.Schema);
        var before = ml.Data.CreateEnumerable<Scored>(model.Transform(data), false).Select(s => s.Score).ToArray();
        var after = other.Data.CreateEnumerable<Scored>(loaded.Transform(other.Data.LoadFromEnumerable(clips)), false).Select(s => s.Score).ToArray();
        Assert.Equal(before, after);
    }

    [Fact]
    public void LogMel_in_an_MLNET_pipeline_is_the_CNN_input_the_engine_computes()
    {
        var ml = new MLContext(0);
        var clips = Clips().Take(4).ToArray();
        var data = ml.Data.LoadFromEnumerable(clips);
        var model = ml.Transforms.ExtractLogMel("LogMel", "Path").Fit(data);
        var output = model.Transform(data);
        Assert.Equal(64 * 256, ((VectorDataViewType)output.Schema["LogMel"].Type).Size);
        var values = output.GetColumn<float[]>("LogMel").ToArray();
        var extractor = new LogMelExtractor();
        for (int i = 0; i < clips.Length; i++)
        {
            var mel = extractor.Extract(new AudioDecoder().Decode(clips[i].Path));
            int start = Math.Max(0, (mel.Frames - 256) / 2);
            Assert.Equal(mel[10, start + 5], values[i][(10 * 256) + 5]);
            Assert.Equal(mel[63, start + 200], values[i][(63 * 256) + 200]);
        }

        var (other, loaded) = SaveAndLoad(ml, model, data.Schema);
        Assert.Equal(values, loaded.Transform(other.Data.LoadFromEnumerable(clips)).GetColumn<float[]>("LogMel").ToArray());
    }
}
