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
}
