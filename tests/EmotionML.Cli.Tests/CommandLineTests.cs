namespace EmotionML.Cli.Tests;

/// <summary>How the tool reads a command line (System.CommandLine, with the tool's own rules for inputs).</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void An_option_the_command_does_not_have_is_an_error_even_among_the_inputs()
    {
        var (code, stdout, stderr) = CliRunner.Run("features", Sample(), "--bogus", "--threads", "1");
        Assert.NotEqual(0, code);
        Assert.Contains("Unknown option '--bogus'", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);

        var (trainCode, _, trainErr) = CliRunner.Run("info", "--bogus");
        Assert.NotEqual(0, trainCode);
        Assert.Contains("--bogus", trainErr, StringComparison.Ordinal);
    }

    [Fact]
    public void After_a_double_dash_every_argument_is_an_input()
    {
        var (code, stdout, stderr) = CliRunner.Run("features", "--threads", "1", "--", "-no-such-clip.wav", "--format");
        Assert.Equal(2, code); // no file at all: both are looked up as files
        Assert.Equal("", stdout);
        Assert.Contains("no such file, folder or match: -no-such-clip.wav", stderr, StringComparison.Ordinal);
        Assert.Contains("no such file, folder or match: --format", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unknown option", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_input_that_starts_with_an_at_sign_is_a_file_name_not_a_response_file()
    {
        // A response file would be read for more arguments; here the name is looked up as a file and reported missing.
        var missing = Path.Combine(Path.GetTempPath(), $"@emotionml-{Guid.NewGuid():N}.wav");
        var (code, stdout, stderr) = CliRunner.Run("features", "@" + missing, "--threads", "1");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("@" + missing, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Inputs_may_come_before_between_and_after_options_and_values_are_read_case_insensitively()
    {
        var (code, stdout, stderr) = CliRunner.Run("features", "--format", "CSV", Sample(), "--threads", "1", Sample("ravdess-neutral-actor01.wav"));
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // header and two clips
        Assert.Contains("ravdess-angry-actor12.wav", lines[1], StringComparison.Ordinal);
        Assert.Contains("ravdess-neutral-actor01.wav", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_one_error_naming_the_option()
    {
        var (code, stdout, stderr) = CliRunner.Run("features", Sample(), "--threads", "two");
        Assert.NotEqual(0, code);
        Assert.Contains("'two'", stderr, StringComparison.Ordinal);
        Assert.Contains("--threads", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void The_version_is_the_tool_s()
    {
        var (code, stdout, _) = CliRunner.Run("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout.Trim());
    }

    private static string Sample(string name = "ravdess-angry-actor12.wav") => Path.Combine(TestData.SharedData.SamplesDir, name);
}
