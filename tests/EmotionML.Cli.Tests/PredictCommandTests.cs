using System.Text.Json;
using EmotionML.TestData;

namespace EmotionML.Cli.Tests;

public sealed class PredictCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("emotionml-predict-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Predicts_the_sample_clips_with_the_default_model()
    {
        var (exit, stdout, stderr) = CliRunner.Run("predict", Path.Combine(SharedData.SamplesDir, "ravdess-*.wav"), "--format", "json");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(3, doc.RootElement.GetArrayLength());
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            var scores = item.GetProperty("scores").EnumerateObject().ToArray();
            Assert.Equal(["neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"], scores.Select(s => s.Name));
            Assert.Equal(1.0, scores.Sum(s => s.Value.GetDouble()), 3);
            Assert.Equal(scores.MaxBy(s => s.Value.GetDouble()).Name, item.GetProperty("label").GetString());
            Assert.Equal(scores.Max(s => s.Value.GetDouble()), item.GetProperty("confidence").GetDouble(), 5);
        }
    }

    [Fact]
    public void Cnn_crops_trade_the_CNN_s_test_time_crops_and_are_checked()
    {
        string clip = Path.Combine(SharedData.SamplesDir, "ravdess-angry-actor12.wav");
        // Another count than the default model's own (three, or one when that is it).
        using (var standard = EmotionEngine.LoadDefault())
        {
            string other = standard.Model.Cnn!.TestCrops == 1 ? "3" : "1";
            var (exit, stdout, stderr) = CliRunner.Run("predict", clip, "--format", "json", "--cnn-crops", other);
            Assert.True(exit == 0, stderr);
            var (exitUsual, usual, stderrUsual) = CliRunner.Run("predict", clip, "--format", "json");
            Assert.True(exitUsual == 0, stderrUsual);
            double Confidence(string json) => JsonDocument.Parse(json).RootElement[0].GetProperty("confidence").GetDouble();
            Assert.NotEqual(Confidence(usual), Confidence(stdout), 4); // one crop is not what three crops give
        }

        var (bad, _, message) = CliRunner.Run("predict", clip, "--cnn-crops", "0");
        Assert.NotEqual(0, bad);
        Assert.Contains("--cnn-crops", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_file_gets_one_message_and_the_others_still_run()
    {
        File.Copy(Path.Combine(SharedData.SamplesDir, "ravdess-neutral-actor01.wav"), Path.Combine(_temp, "a.wav"));
        File.WriteAllText(Path.Combine(_temp, "b.wav"), "this is not a wav file, whatever its name says");
        var (exit, stdout, stderr) = CliRunner.Run("predict", _temp, "--format", "csv");
        Assert.Equal(1, exit);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("file,start,end,label,confidence,error,neutral,calm", lines[0]);
        Assert.Contains("b.wav", stderr);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("b.wav"));
    }

    [Fact]
    public void Segments_and_emotionml_output()
    {
        var clip = Path.Combine(SharedData.SamplesDir, "ravdess-angry-actor12.wav");
        var (exit, stdout, stderr) = CliRunner.Run("predict", clip, "--segments", "--format", "json");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var segments = doc.RootElement[0].GetProperty("segments").EnumerateArray().ToArray();
        Assert.NotEmpty(segments);
        Assert.All(segments, s => Assert.True(s.GetProperty("end").GetDouble() > s.GetProperty("start").GetDouble()));
        Assert.True(segments[^1].GetProperty("end").GetDouble() <= doc.RootElement[0].GetProperty("durationSeconds").GetDouble() + 1e-3);

        var xml = CliRunner.Run("predict", clip, "--format", "emotionml");
        Assert.True(xml.ExitCode == 0, xml.StdErr);
        var root = System.Xml.Linq.XDocument.Parse(xml.StdOut).Root!;
        Assert.Equal("{http://www.w3.org/2009/10/emotionml}emotionml", root.Name.ToString());
    }

    [Fact]
    public void A_corrupt_model_stops_with_a_clear_error()
    {
        var model = Path.Combine(_temp, "bad.emlmodel");
        File.WriteAllBytes(model, new byte[64]);
        var (exit, _, stderr) = CliRunner.Run("predict", Path.Combine(SharedData.SamplesDir, "ravdess-neutral-actor01.wav"), "--model", model);
        Assert.Equal(2, exit);
        Assert.Contains("bad.emlmodel", stderr);
    }
}
