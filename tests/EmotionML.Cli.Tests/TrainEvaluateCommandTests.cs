using System.Text.Json;
using EmotionML.TestData;

namespace EmotionML.Cli.Tests;

/// <summary>train → info → evaluate through the real tool, on EmoDB (small and fast), as a user would run them.</summary>
public sealed class TrainEvaluateCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("emotionml-train-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private string EmoDb => Path.Combine(SharedData.RootPath, "data", "emodb");

    /// <summary>EmoDB split by speaker into two folders: training speakers and two held-out speakers (15, 16).</summary>
    private (string Train, string HeldOut) SplitEmoDb()
    {
        string train = Path.Combine(_temp, "emodb-train"), heldOut = Path.Combine(_temp, "emodb-heldout");
        Directory.CreateDirectory(train);
        Directory.CreateDirectory(heldOut);
        foreach (var file in Directory.GetFiles(Path.Combine(EmoDb, "wav")))
        {
            var name = Path.GetFileName(file);
            File.Copy(file, Path.Combine(name.StartsWith("15", StringComparison.Ordinal) || name.StartsWith("16", StringComparison.Ordinal) ? heldOut : train, name));
        }

        return (train, heldOut);
    }

    [Fact]
    public void Train_writes_a_bundle_with_a_nested_estimate_that_info_and_evaluate_on_held_out_speakers_read()
    {
        var (train, heldOut) = SplitEmoDb();
        var model = Path.Combine(_temp, "models", "emodb.emlmodel");
        var cache = Path.Combine(_temp, "cache");
        var (exit, stdout, stderr) = CliRunner.Run("train", "--cnn", "off", "--data", train, "--corpus", "emodb", "--folds", "3", "--max-trials", "2", "--trainers", "sdca", "--time", "600", "--cache", cache, "--out", model);
        Assert.True(exit == 0, stderr);
        Assert.Contains("3 folds", stderr);
        Assert.Contains("Nested estimate", stdout);
        Assert.True(File.Exists(model));
        var report = Path.Combine(_temp, "models", "emodb.report");
        foreach (var file in new[] { "report.json", "report.md", "confusion.svg", "confusion.png", "per-class.svg", "per-class.png", "leaderboard.md" })
        {
            Assert.True(File.Exists(Path.Combine(report, file)), file);
        }

        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "report.json"))))
        {
            var nested = json.RootElement.GetProperty("nested");
            Assert.InRange(nested.GetProperty("accuracy").GetDouble(), 0.3, 1.0);
            Assert.InRange(nested.GetProperty("macroF1").GetDouble(), 0.3, 1.0);
            Assert.Equal(3, nested.GetProperty("folds").GetArrayLength());
            // The headline is the nested figure, not the search-maximised one.
            Assert.Equal(nested.GetProperty("accuracy").GetDouble(), json.RootElement.GetProperty("accuracy").GetDouble());

            // Per-clip held-out predictions: every training clip once, and they add up to the nested accuracy.
            var rows = File.ReadAllLines(Path.Combine(report, "nested-predictions.csv"));
            var header = rows[0].Split(',');
            Assert.Equal(["clip", "speaker", "fold", "label", "predicted", "confidence"], header[..6]);
            Assert.Contains("p:boredom", header);
            var clips = rows.Skip(1).Select(r => r.Split(',')).ToArray();
            Assert.Equal(Directory.GetFiles(train).Length, clips.Length);
            Assert.Equal(clips.Length, clips.Select(c => c[0]).Distinct().Count());
            Assert.All(clips, c => Assert.InRange(int.Parse(c[2], System.Globalization.CultureInfo.InvariantCulture), 1, 3));
            Assert.Equal(nested.GetProperty("accuracy").GetDouble(), clips.Count(c => c[3] == c[4]) / (double)clips.Length, 6);
        }

        var info = CliRunner.Run("info", model);
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("boredom", info.StdOut);
        Assert.Contains("nested estimate", info.StdOut);

        var evaluation = CliRunner.Run("evaluate", "--model", model, "--data", heldOut, "--corpus", "emodb", "--cache", cache, "--format", "json");
        Assert.True(evaluation.ExitCode == 0, evaluation.StdErr);
        using var doc = JsonDocument.Parse(evaluation.StdOut);
        var root = doc.RootElement;
        int heldOutClips = Directory.GetFiles(heldOut).Length;
        // Speakers 15 and 16 were never trained on; 7 classes make chance about 0.14.
        Assert.InRange(root.GetProperty("accuracy").GetDouble(), 0.4, 1.0);
        Assert.Equal(7, root.GetProperty("perClass").GetArrayLength());
        var confusion = root.GetProperty("confusion");
        Assert.Equal(heldOutClips, confusion.GetProperty("matrix").EnumerateArray().Sum(row => row.EnumerateArray().Sum(c => c.GetInt32())));
        Assert.Equal(0, root.GetProperty("speakersAlsoInTraining").GetArrayLength());

        // Evaluating on the training speakers is flagged, never passed off as a held-out estimate.
        var onTraining = CliRunner.Run("evaluate", "--model", model, "--data", train, "--corpus", "emodb", "--cache", cache, "--format", "json");
        using var trained = JsonDocument.Parse(onTraining.StdOut);
        Assert.Equal(8, trained.RootElement.GetProperty("speakersAlsoInTraining").GetArrayLength());
    }

    [Fact]
    public async Task A_first_ctrl_c_saves_the_best_model_so_far_and_a_second_aborts_with_nothing_written()
    {
        var (train, _) = SplitEmoDb();
        var cache = Path.Combine(_temp, "cache");
        var saved = Path.Combine(_temp, "stopped.emlmodel");
        using (var process = CliRunner.Start(true, "train", "--cnn", "off", "--data", train, "--corpus", "emodb", "--folds", "3", "--trainers", "sdca,lbfgs", "--time", "3000", "--no-importance", "--cache", cache, "--out", saved))
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            WaitForLine(process, line => line.StartsWith("#1 ", StringComparison.Ordinal));
            CliRunner.Interrupt(process);
            var rest = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(120_000), "train did not stop after Ctrl+C");
            string errors = await rest, output = await stdout;
            Assert.True(process.ExitCode == 0, errors);
            Assert.Contains("stopped", errors);
            Assert.Contains("No nested estimate", output);
            Assert.True(File.Exists(saved));
            Assert.Contains("Ctrl+C", File.ReadAllText(Path.Combine(_temp, "stopped.report", "report.md")));
        }

        var aborted = Path.Combine(_temp, "aborted.emlmodel");
        using (var process = CliRunner.Start(true, "train", "--cnn", "off", "--data", train, "--corpus", "emodb", "--folds", "3", "--trainers", "sdca,lbfgs", "--time", "3000", "--no-importance", "--cache", cache, "--out", aborted))
        {
            _ = process.StandardOutput.ReadToEndAsync();
            WaitForLine(process, line => line.StartsWith("#1 ", StringComparison.Ordinal));
            CliRunner.Interrupt(process);
            Thread.Sleep(200);
            CliRunner.Interrupt(process);
            _ = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(60_000), "train did not end after a second Ctrl+C");
            Assert.NotEqual(0, process.ExitCode);
            Assert.False(File.Exists(aborted));
            Assert.False(Directory.Exists(Path.Combine(_temp, "aborted.report")));
        }
    }

    private static void WaitForLine(System.Diagnostics.Process process, Func<string, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            var line = process.StandardError.ReadLine() ?? throw new InvalidOperationException("train ended before its first trial");
            if (match(line))
            {
                return;
            }
        }

        throw new TimeoutException("no trial within 3 minutes");
    }

    [Fact]
    public void Evaluating_on_a_corpus_with_other_labels_maps_through_the_common_set_and_names_what_it_dropped()
    {
        var model = Path.Combine(_temp, "emodb.emlmodel");
        var cache = Path.Combine(_temp, "cache");
        Assert.Equal(0, CliRunner.Run("train", "--cnn", "off", "--data", EmoDb, "--folds", "3", "--max-trials", "1", "--trainers", "sdca", "--nested", "false", "--cache", cache, "--out", model).ExitCode);
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

    [Fact]
    public void Info_without_a_model_describes_the_default_one_that_predict_uses()
    {
        var (exit, stdout, stderr) = CliRunner.Run("info");
        Assert.True(exit == 0, stderr);
        var manifest = EmotionEngine.LoadDefaultBundle().Manifest;
        Assert.Contains(string.Join(", ", manifest.Labels), stdout);
        Assert.Contains("nested estimate", stdout);
        Assert.Contains(manifest.Validation.Nested!.Accuracy.ToString("F3", System.Globalization.CultureInfo.InvariantCulture), stdout);
    }
}
