using System.Diagnostics;
using System.Text.Json;
using EmotionML.TestData;

namespace EmotionML.Cli.Tests;

/// <summary>The CNN path through the tool: <c>logmel</c> export → PyTorch → <c>predict --model x.onnx</c>, and <c>train --cnn on</c>.</summary>
public sealed class CnnCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("emotionml-cnn-cli-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    /// <summary>EmoDB speakers 03, 08 and 09 in a folder of their own.</summary>
    private string ThreeSpeakers()
    {
        string dir = Path.Combine(_temp, "emodb3");
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.GetFiles(SharedData.EmoDbDir).Where(f => Path.GetFileName(f) is var n && (n.StartsWith("03", StringComparison.Ordinal) || n.StartsWith("08", StringComparison.Ordinal) || n.StartsWith("09", StringComparison.Ordinal))))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }

        return dir;
    }

    [Fact]
    public void Logmel_export_trains_in_PyTorch_and_the_onnx_model_predicts_through_the_tool()
    {
        var data = ThreeSpeakers();
        var npz = Path.Combine(_temp, "emodb.npz");
        var export = CliRunner.Run("logmel", "--data", data, "--corpus", "emodb", "--out", npz);
        Assert.True(export.ExitCode == 0, export.StdErr);
        Assert.Contains("fingerprint", export.StdErr);

        var output = Path.Combine(_temp, "cnn");
        var script = Path.Combine(SharedData.RepositoryRoot, "scripts", "cnn", "train_cnn.py");
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { script, "--data", npz, "--out", output, "--val-speakers", "emodb:09", "--epochs", "1", "--limit", "16", "--threads", "2" })
        {
            info.ArgumentList.Add(a);
        }

        using (var python = Process.Start(info)!)
        {
            string err = python.StandardError.ReadToEnd() + python.StandardOutput.ReadToEnd();
            python.WaitForExit();
            Assert.True(python.ExitCode == 0, err);
        }

        var clip = Directory.GetFiles(data).Order(StringComparer.Ordinal).First();
        var predict = CliRunner.Run("predict", clip, "--model", Path.Combine(output, "model.onnx"), "--format", "json");
        Assert.True(predict.ExitCode == 0, predict.StdErr);
        using var json = JsonDocument.Parse(predict.StdOut);
        var labels = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "model.json"))).RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).ToArray();
        Assert.Contains(json.RootElement.EnumerateArray().First().GetProperty("label").GetString(), labels);
    }

    [Fact]
    public void Train_with_cnn_candidates_reports_the_choice_and_its_bundle_predicts()
    {
        var data = ThreeSpeakers();
        var model = Path.Combine(_temp, "m.emlmodel");
        var run = CliRunner.Run("train", "--data", data, "--corpus", "emodb", "--folds", "3", "--max-trials", "1", "--trainers", "sdca", "--speaker-norm", "never", "--nested", "false",
            "--cnn", "on", "--cnn-epochs", "1", "--cnn-limit", "16", "--no-importance", "--cache", Path.Combine(_temp, "cache"), "--out", model);
        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("CNN candidates", run.StdErr);
        Assert.Contains("best weight", run.StdErr);
        var report = File.ReadAllText(Path.Combine(_temp, "m.report", "report.md"));
        Assert.Contains("CNN candidates", report);
        // A blend (0 < weight < 1) scores clips its domain check flags by the CNN alone (--cnn-out-of-domain cnn, the default).
        if (ModelBundle.Load(model).Manifest.Cnn is { } cnn)
        {
            Assert.Equal(cnn.Weight is > 0 and < 1, cnn.CnnAloneOutOfDomain);
        }
        var predict = CliRunner.Run("predict", Directory.GetFiles(data).First(), "--model", model);
        Assert.True(predict.ExitCode == 0, predict.StdErr);
    }
}
