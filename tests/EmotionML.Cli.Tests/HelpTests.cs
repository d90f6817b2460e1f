namespace EmotionML.Cli.Tests;

/// <summary>
/// Every command's help renders with its options and examples, a mistyped command gets a suggestion, and a setting
/// that fails validation is one error line, not a stack trace.
/// </summary>
public sealed class HelpTests
{
    [Theory]
    [InlineData("predict")]
    [InlineData("features")]
    [InlineData("logmel")]
    [InlineData("train")]
    [InlineData("evaluate")]
    [InlineData("serve")]
    [InlineData("info")]
    public void Each_command_s_help_lists_its_options(string command)
    {
        var (code, stdout, stderr) = CliRunner.Run(command, "--help");
        Assert.True(code == 0, $"exit code {code}: {stderr}{stdout}");
        Assert.Contains("Options:", stdout);
        Assert.Contains("--help", stdout);
        Assert.Contains($"Examples:{Environment.NewLine}  emotionml {command}", stdout);
        Assert.DoesNotContain("Exception", stdout + stderr);
    }

    [Fact]
    public void The_tool_s_help_and_a_mistyped_command_list_every_command()
    {
        // A command line that names a command registers only that one (start-up); these must still see them all.
        var (code, stdout, _) = CliRunner.Run("--help");
        Assert.Equal(0, code);
        foreach (var command in new[] { "predict", "features", "logmel", "train", "evaluate", "serve", "info" })
        {
            Assert.Contains($"{Environment.NewLine}  {command} ", stdout, StringComparison.Ordinal);
        }

        var (typo, typoOut, stderr) = CliRunner.Run("featurs", "a.wav");
        Assert.NotEqual(0, typo);
        Assert.Contains("'featurs' was not matched. Did you mean one of the following?", stderr, StringComparison.Ordinal);
        Assert.Contains("\nfeatures\n", stderr.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal("", typoOut);
    }

    [Fact]
    public void Train_help_shows_the_regex_example_and_the_frequency_warp()
    {
        var (_, stdout, _) = CliRunner.Run("train", "--help");
        Assert.Contains("'^(?<speaker>[^_/]+)_'", stdout.Replace("\n", "").Replace(" ", ""), StringComparison.Ordinal);
        Assert.Contains("--cnn-warp", stdout);
        Assert.Contains("--cnn-precision", stdout);
        Assert.Contains("--cnn-seeds", stdout);
        Assert.Contains("compact+wide", stdout);
        Assert.Contains("--cnn-crops", stdout);
        Assert.Contains("--calibrate-on", stdout);
        Assert.Contains("--cnn-out-of-domain", stdout);
    }

    [Fact]
    public void Calibrating_on_the_nested_evaluation_needs_one()
    {
        var (code, _, stderr) = CliRunner.Run("train", "--data", Path.Combine(TestData.SharedData.RootPath, "data", "emodb"), "--nested", "false", "--calibrate-on", "nested", "--out", Path.Combine(Path.GetTempPath(), "never.emlmodel"));
        Assert.NotEqual(0, code);
        Assert.Contains("--calibrate-on nested needs the nested evaluation", stderr.Replace("\n", " "));
    }

    [Theory]
    [InlineData("--cnn-warp", "0.5", "--cnn-warp between 0 and 0.3")]
    [InlineData("--cnn-precision", "fp16", "--cnn-precision fp32, bf16 or auto")]
    [InlineData("--cnn-seeds", "0", "--cnn-seeds 1 to 8")]
    [InlineData("--cnn-width", "huge", "--cnn-width compact, wide or compact+wide")]
    [InlineData("--cnn-crops", "0", "--cnn-crops 1 to 16")]
    [InlineData("--calibrate-on", "test", "--calibrate-on must be auto, search or nested")]
    [InlineData("--cnn-out-of-domain", "trees", "--cnn-out-of-domain must be cnn or blend")]
    public void An_invalid_setting_is_one_error_line_naming_the_option(string option, string value, string message)
    {
        var (code, stdout, stderr) = CliRunner.Run("train", "--data", Path.Combine(TestData.SharedData.RootPath, "data", "emodb"), option, value, "--out", Path.Combine(Path.GetTempPath(), "never.emlmodel"));
        Assert.NotEqual(0, code);
        Assert.Contains(message, stderr.Replace("\n", " "));
        Assert.DoesNotContain("Exception", stderr);
        Assert.DoesNotContain(stderr.Split('\n'), line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.Empty(stdout.Trim());
    }
}
