// EmotionML's features inside your own ML.NET pipeline:
//   dotnet run -c Release --project samples/EmotionML.Samples.MLNet -- ../shared/data/ravdess [artifacts/cnn/ravdess/model.onnx]
// 1. audio paths → ExtractSpeechFeatures → any ML.NET trainer, cross-validated grouped by speaker, saved and reloaded;
// 2. audio paths → ExtractLogMel → ApplyOnnxModel (EmotionML's CNN, or a model of yours with the same input).
using Microsoft.ML;
using Microsoft.ML.Data;

string root = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "data", "ravdess");
string onnx = args.Length > 1 ? args[1] : Path.Combine("artifacts", "cnn", "ravdess", "model.onnx");
// RAVDESS names: modality-channel-emotion-intensity-statement-repetition-actor.wav; actors 01-06 keep the sample quick.
string[] emotions = ["neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"];
var clips = Directory.GetFiles(root, "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
    .Select(p => (Path: p, Parts: Path.GetFileNameWithoutExtension(p).Split('-')))
    .Where(c => int.Parse(c.Parts[6]) <= 6)
    .Select(c => new Clip { Path = c.Path, Label = emotions[int.Parse(c.Parts[2]) - 1], Speaker = "actor" + c.Parts[6] })
    .ToArray();
Console.WriteLine($"{clips.Length} clips of {clips.Select(c => c.Speaker).Distinct().Count()} actors");

var ml = new MLContext(seed: 0);
var data = ml.Data.LoadFromEnumerable(clips);
var pipeline = ml.Transforms.ExtractSpeechFeatures("Features", "Path")
    .AppendCacheCheckpoint(ml) // features are computed once, not once per fold and epoch
    .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
    .Append(ml.Transforms.NormalizeMeanVariance("Features"))
    .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy());

// Speaker-grouped: no actor is on both sides of a fold.
var folds = ml.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: 3, labelColumnName: "Label", samplingKeyColumnName: "Speaker");
Console.WriteLine($"3-fold CV grouped by actor: accuracy {folds.Average(f => f.Metrics.MacroAccuracy):F3} (macro), {folds.Average(f => f.Metrics.MicroAccuracy):F3} (micro)");

var model = pipeline.Fit(data);
string saved = Path.Combine(Path.GetTempPath(), "emotion-pipeline.zip"); // not left in your working folder
ml.Model.Save(model, data.Schema, saved);
Console.WriteLine($"saved the fitted pipeline to {saved}");
var reloaded = new MLContext();
reloaded.ComponentCatalog.RegisterAssembly(typeof(SpeechTransformsCatalog).Assembly); // EmotionML's saved mappings
var loaded = reloaded.Model.Load(saved, out _);
var engine = reloaded.Model.CreatePredictionEngine<Clip, Prediction>(loaded);
Console.WriteLine($"{Path.GetFileName(clips[0].Path)}: predicted label key {engine.Predict(clips[0]).PredictedLabel}");

if (File.Exists(onnx))
{
    // The ONNX graph takes [1, 1, 64, 256] log-mel dB under the name "logmel" and returns "probabilities".
    var cnn = ml.Transforms.ExtractLogMel("logmel", "Path")
        .Append(ml.Transforms.ApplyOnnxModel(["probabilities"], ["logmel"], onnx, new Dictionary<string, int[]> { ["logmel"] = [1, 1, 64, 256] }, gpuDeviceId: null, fallbackToCpu: false));
    var scored = cnn.Fit(data).Transform(ml.Data.TakeRows(data, 3));
    foreach (var p in scored.GetColumn<float[]>("probabilities"))
    {
        Console.WriteLine("CNN (centre crop): " + string.Join(" ", p.Select(v => v.ToString("F2"))));
    }
}

public sealed class Clip
{
    public string Path { get; set; } = "";

    public string Label { get; set; } = "";

    public string Speaker { get; set; } = "";
}

public sealed class Prediction
{
    public uint PredictedLabel { get; set; }
}
