namespace EmotionML.Cli.Tests;

public sealed class InputArgumentsTests
{
    [Fact]
    public void The_inputs_after_the_command_are_packed_into_one_argument_and_come_back_as_given()
    {
        string[] args = ["features", "a.wav", "b c.wav", "", "d/*.wav", "--out", "x.json", "--threads", "1"];
        var packed = InputArguments.Pack(args);
        Assert.Equal(["features", "a.wav\0b c.wav\0\0d/*.wav", "--out", "x.json", "--threads", "1"], packed);
        Assert.Equal(["a.wav", "b c.wav", "", "d/*.wav"], InputArguments.Unpack([packed[1]]));
    }

    [Fact]
    public void Packing_stops_at_the_first_option_and_leaves_other_command_lines_alone()
    {
        string[] late = ["predict", "a.wav", "--format", "json", "b.wav", "c.wav"];
        Assert.Equal(late, InputArguments.Pack(late));
        string[] one = ["features", "a.wav", "--threads", "1"];
        Assert.Equal(one, InputArguments.Pack(one));
        string[] other = ["info", "a.emlmodel", "b.emlmodel"];
        Assert.Equal(other, InputArguments.Pack(other));
        string[] unknown = ["PREDICT", "a.wav", "b.wav"]; // command names are case-sensitive, as Spectre reads them
        Assert.Equal(unknown, InputArguments.Pack(unknown));
        string[] unpacked = ["a.wav", "b.wav"];
        Assert.Same(unpacked, InputArguments.Unpack(unpacked));
    }

    [Fact]
    public void A_parse_error_quotes_the_packed_inputs_as_typed_with_the_caret_under_the_bad_option()
    {
        var (code, _, stderr) = CliRunner.Run("features", "no-such-a.wav", "no such b.wav", "--threads");
        Assert.NotEqual(0, code);
        Assert.DoesNotContain('\0', stderr);
        var lines = stderr.Split('\n');
        int quoted = Array.FindIndex(lines, l => l.Contains("features no-such-a.wav no such b.wav --threads", StringComparison.Ordinal));
        Assert.True(quoted >= 0, stderr);
        int option = lines[quoted].IndexOf("--threads", StringComparison.Ordinal);
        Assert.Equal(option, lines[quoted + 1].IndexOf('^'));
    }
}
