using System.Text.Json;
using EmotionML.Audio;
using EmotionML.Features;
using EmotionML.TestData;

namespace EmotionML.Cli.Tests;

public sealed class FeaturesCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("emotionml-cli-").FullName;

    private static string Sample(string name) => Path.Combine(SharedData.SamplesDir, name);

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Json_output_holds_one_named_vector_per_file_equal_to_the_library()
    {
        var (exit, stdout, stderr) = CliRunner.Run("features", Sample("ravdess-angry-actor12.wav"));
        Assert.True(exit == 0, stderr);
        Assert.Equal("", stderr);
        using var doc = JsonDocument.Parse(stdout);
        var item = Assert.Single(doc.RootElement.EnumerateArray().ToArray());
        var extractor = new SpeechFeatureExtractor();
        Assert.Equal(extractor.Schema.Id, item.GetProperty("schema").GetString());
        Assert.Equal(16000, item.GetProperty("sampleRate").GetInt32());
        Assert.InRange(item.GetProperty("durationSeconds").GetDouble(), 3.0, 4.5);
        var features = item.GetProperty("features");
        var expected = extractor.Extract(new AudioDecoder().Decode(Sample("ravdess-angry-actor12.wav")));
        Assert.Equal(expected.Schema.Columns, features.EnumerateObject().Select(p => p.Name));
        foreach (var column in new[] { "mfcc00_mean", "chroma03_std", "mel064_mean", "f0_mean", "voiced_fraction" })
        {
            Assert.Equal(expected[column], features.GetProperty(column).GetSingle());
        }
    }

    [Fact]
    public void A_bad_file_in_a_folder_gets_an_error_entry_the_others_are_written_and_the_exit_code_says_so()
    {
        var folder = Path.Combine(_temp, "clips");
        Directory.CreateDirectory(folder);
        File.Copy(Sample("ravdess-neutral-actor01.wav"), Path.Combine(folder, "a.wav"));
        File.WriteAllBytes(Path.Combine(folder, "b.wav"), new byte[100]);
        File.Copy(Sample("ravdess-happy-actor15.wav"), Path.Combine(folder, "c.wav"));
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not picked up: not an audio extension");
        var output = Path.Combine(_temp, "out", "features.json");

        var (exit, stdout, stderr) = CliRunner.Run("features", folder, "--out", output, "--threads", "2");
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        Assert.Contains("b.wav", stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(output));
        var items = doc.RootElement.EnumerateArray().ToArray();
        Assert.Equal(["a.wav", "b.wav", "c.wav"], items.Select(i => Path.GetFileName(i.GetProperty("file").GetString())));
        Assert.True(items[1].TryGetProperty("error", out var error) && error.GetString()!.Length > 0);
        Assert.False(items[1].TryGetProperty("features", out _));
        Assert.True(items[0].TryGetProperty("features", out _) && items[2].TryGetProperty("features", out _));
        Assert.Equal(["features.json"], Directory.GetFiles(Path.GetDirectoryName(output)!).Select(Path.GetFileName));

        // A file gets compact JSON (one line), the terminal indented JSON: the same document. The compact text (whose
        // features objects are laid out by FeatureWriter itself) is exactly what the JSON writer makes of it.
        string compact = File.ReadAllText(output).TrimEnd('\n');
        Assert.Single(compact.Split('\n'));
        Assert.Equal(JsonSerializer.Serialize(doc.RootElement), compact);
        var (_, indented, _) = CliRunner.Run("features", folder, "--threads", "2");
        Assert.True(indented.Split('\n').Length > 100);
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(indented).RootElement), JsonSerializer.Serialize(doc.RootElement));
    }

    [Fact]
    public void Csv_output_has_a_header_of_column_names_and_one_row_per_file()
    {
        var output = Path.Combine(_temp, "features.csv");
        var (exit, _, stderr) = CliRunner.Run("features", Sample("ravdess-neutral-actor01.wav"), Sample("ravdess-happy-actor15.wav"), "--format", "csv", "--out", output, "--threads", "1");
        Assert.True(exit == 0, stderr);
        var lines = File.ReadAllLines(output);
        Assert.Equal(3, lines.Length);
        var header = lines[0].Split(',');
        var schema = new SpeechFeatureExtractor().Schema;
        Assert.Equal(["file", "schema", "sampleRate", "durationSeconds", "error"], header[..5]);
        Assert.Equal(schema.Columns, header[5..]);
        var row = lines[2].Split(',');
        Assert.EndsWith("ravdess-happy-actor15.wav", row[0]);
        Assert.Equal(header.Length, row.Length);
        Assert.All(row[5..], v => Assert.True(float.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out _), v));
    }

    [Fact]
    public void The_speech_preset_gives_another_schema_and_thread_count_does_not_change_results()
    {
        var files = new[] { Sample("ravdess-neutral-actor01.wav"), Sample("ravdess-angry-actor12.wav"), Sample("ravdess-happy-actor15.wav") };
        var one = CliRunner.Run(["features", .. files, "--threads", "1", "--preset", "speech"]);
        var two = CliRunner.Run(["features", .. files, "--threads", "2", "--preset", "speech"]);
        Assert.Equal(0, one.ExitCode);
        Assert.Equal(one.StdOut, two.StdOut);
        using var doc = JsonDocument.Parse(one.StdOut);
        Assert.Equal(FeatureSchema.For(FeatureOptions.ForPreset(FeaturePreset.Speech)).Id, doc.RootElement[0].GetProperty("schema").GetString());
    }

    [Fact]
    public void Inputs_that_name_nothing_fail_with_a_clear_message()
    {
        var (exit, stdout, stderr) = CliRunner.Run("features", Path.Combine(_temp, "missing.wav"));
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("missing.wav", stderr);
        Assert.NotEqual(0, CliRunner.Run("features").ExitCode);
        Assert.NotEqual(0, CliRunner.Run("features", Sample("ravdess-neutral-actor01.wav"), "--format", "xml").ExitCode);
    }

    [Fact]
    public void Thousands_of_inputs_reach_the_command_intact_and_in_order()
    {
        // As a shell hands over an expanded glob: every name must reach the command as given, spaces and all.
        var missing = Enumerable.Range(0, 3000).Select(i => Path.Combine(_temp, $"no clip {i:D4} ü.wav")).ToArray();
        var output = Path.Combine(_temp, "many.json");
        var (exit, stdout, stderr) = CliRunner.Run(["features", Sample("ravdess-neutral-actor01.wav"), .. missing, "--out", output, "--threads", "1"]);
        Assert.Equal(1, exit);
        Assert.Equal("", stdout);
        var reported = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith("error: no such file, folder or match: ", StringComparison.Ordinal))
            .Select(l => l["error: no such file, folder or match: ".Length..])
            .ToArray();
        Assert.Equal(missing, reported);
        using var doc = JsonDocument.Parse(File.ReadAllText(output));
        Assert.EndsWith("ravdess-neutral-actor01.wav", Assert.Single(doc.RootElement.EnumerateArray().ToArray()).GetProperty("file").GetString());
    }

    [Fact]
    public void Globs_are_expanded()
    {
        var (exit, stdout, stderr) = CliRunner.Run("features", Path.Combine(SharedData.SamplesDir, "ravdess-*.wav"), "--threads", "2");
        Assert.True(exit == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(Directory.GetFiles(SharedData.SamplesDir, "ravdess-*.wav").Length, doc.RootElement.GetArrayLength());
    }
}
