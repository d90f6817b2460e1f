using EmotionML.Cli;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("emotionml");
    config.AddCommand<FeaturesCommand>("features")
        .WithDescription("Extract a named, pooled feature vector from each audio file (librosa-conformant MFCC, chroma, mel, contrast, spectral shape, F0).")
        .WithExample("features", "data/samples/ravdess-angry-actor12.wav")
        .WithExample("features", "clips/", "--format", "csv", "--out", "features.csv", "--threads", "2");
});
return app.Run(args);
