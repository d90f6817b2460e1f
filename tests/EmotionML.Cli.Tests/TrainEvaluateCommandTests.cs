using System.Text.Json;
using EmotionML.TestData;

namespace EmotionML.Cli.Tests;

/// <summary>train → info → evaluate through the real tool, on EmoDB (small and fast), as a user would run them.</summary>
public sealed class TrainEvaluateCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("emotionml-train-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private string EmoDb => Path.Combine(SharedData.RootPath, "data", "emodb");

    [Fact]
    public void Train_writes_a_bundle_and_report_that_info_and_evaluate_read()
    {
        var model = Path.Combine(_temp, "models", "emodb.emlmodel");
        var cache = Path.Combine(_temp, "cache");
        var (exit, stdout, stderr) = CliRunner.Run("train", "--data", EmoDb, "--folds", "10", "--max-trials", "2", "--trainers", "sdca", "--time", "120", "--cache", cache, "--out", model);
        Assert.True(exit == 0, stderr);
        Assert.Contains("leave-one-speaker-out (10 folds)", stderr);
        Assert.Contains("macro-F1", stdout);
        Assert.True(File.Exists(model));
        var report = Path.Combine(_temp, "models", "emodb.report");
        foreach (var file in new[] { "report.json", "report.md", "confusion.svg", "confusion.png", "per-class.svg", "per-class.png", "leaderboard.md" })
        {
            Assert.True(File.Exists(Path.Combine(report, file)), file);
        }

        var info = CliRunner.Run("info", model);
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("boredom", info.StdOut);
        Assert.Contains("leave-one-speaker-out", info.StdOut);

        var evaluation = CliRunner.Run("evaluate", "--model", model, "--data", EmoDb, "--cache", cache, "--format", "json");
        Assert.True(evaluation.ExitCode == 0, evaluation.StdErr);
        using var doc = JsonDocument.Parse(evaluation.StdOut);
        var root = doc.RootElement;
        Assert.InRange(root.GetProperty("accuracy").GetDouble(), 0.5, 1.0);
        Assert.InRange(root.GetProperty("macroF1").GetDouble(), 0.5, 1.0);
        Assert.Equal(7, root.GetProperty("perClass").GetArrayLength());
        var confusion = root.GetProperty("confusion");
        Assert.Equal(7, confusion.GetProperty("labels").GetArrayLength());
        Assert.Equal(535, confusion.GetProperty("matrix").EnumerateArray().Sum(row => row.EnumerateArray().Sum(c => c.GetInt32())));
        // Evaluating on the training speakers is flagged, never passed off as a held-out estimate.
        Assert.Equal(10, root.GetProperty("speakersAlsoInTraining").GetArrayLength());
        Assert.Contains("Warning", File.ReadAllText(Path.Combine(_temp, "models", "emodb.evaluation-emodb", "report.md")));
    }

    [Fact]
    public void Evaluating_on_a_corpus_with_other_labels_maps_through_the_common_set_and_names_what_it_dropped()
    {
        var model = Path.Combine(_temp, "emodb.emlmodel");
        var cache = Path.Combine(_temp, "cache");
        Assert.Equal(0, CliRunner.Run("train", "--data", EmoDb, "--folds", "3", "--max-trials", "1", "--trainers", "sdca", "--cache", cache, "--out", model).ExitCode);
        var ravdessSubset = Path.Combine(_temp, "ravdess");
        Directory.CreateDirectory(ravdessSubset);
        foreach (var file in Directory.GetFiles(Path.Combine(SharedData.RavdessDir, "Actor_03")))
        {
            File.Copy(file, Path.Combine(ravdessSubset, Path.GetFileName(file)));
        }

        var (exit, stdout, stderr) = CliRunner.Run("evaluate", "--model", model, "--data", ravdessSubset, "--corpus", "ravdess", "--cache", cache, "--format", "json");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("common", doc.RootElement.GetProperty("labelMapping").GetString());
        Assert.Equal(["surprised"], doc.RootElement.GetProperty("droppedClasses").EnumerateArray().Select(e => e.GetString()));
        // The model can still predict boredom: it stays a column, with no true examples, so those errors show.
        var boredom = doc.RootElement.GetProperty("perClass").EnumerateArray().Single(c => c.GetProperty("label").GetString() == "boredom");
        Assert.Equal(0, boredom.GetProperty("support").GetInt32());
        Assert.Equal(60 - 8, doc.RootElement.GetProperty("count").GetInt32()); // 8 surprised clips per actor dropped; calm joins neutral
    }

    [Fact]
    public void A_corrupt_model_is_a_clear_error()
    {
        var model = Path.Combine(_temp, "broken.emlmodel");
        File.WriteAllText(model, "not a model");
        var (exit, _, stderr) = CliRunner.Run("info", model);
        Assert.Equal(2, exit);
        Assert.Contains("not a valid archive", stderr);
    }
}
