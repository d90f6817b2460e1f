using EmotionML.Cli;
using Spectre.Console.Cli;

ConsoleOutput.Configure();
var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("emotionml");
    config.AddCommand<PredictCommand>("predict")
        .WithDescription("Recognise the emotion in each audio file with the default model or a model bundle.")
        .WithExample("predict", "data/samples/ravdess-angry-actor12.wav")
        .WithExample("predict", "clips/", "--model", "my.emlmodel", "--format", "json");
    config.AddCommand<FeaturesCommand>("features")
        .WithDescription("Extract a named, pooled feature vector from each audio file (librosa-conformant MFCC, chroma, mel, contrast, spectral shape, F0).")
        .WithExample("features", "data/samples/ravdess-angry-actor12.wav")
        .WithExample("features", "clips/", "--format", "csv", "--out", "features.csv", "--threads", "2");
    config.AddCommand<TrainCommand>("train")
        .WithDescription("Search ML.NET trainers with speaker-grouped cross-validation under a time budget; write the best as a model bundle with its report.")
        .WithExample("train", "--data", "../shared/data/ravdess", "--time", "600", "--out", "artifacts/models/ravdess.emlmodel");
    config.AddCommand<EvaluateCommand>("evaluate")
        .WithDescription("Evaluate a model bundle on a labelled corpus (held-out speakers): accuracy, F1, per-class scores, confusion matrix.")
        .WithExample("evaluate", "--model", "artifacts/models/ravdess.emlmodel", "--data", "../shared/data/emodb", "--format", "json");
    config.AddCommand<InfoCommand>("info")
        .WithDescription("Show a model bundle's labels, metrics, feature schema and training data.")
        .WithExample("info", "artifacts/models/ravdess.emlmodel");
});
return app.Run(args);
