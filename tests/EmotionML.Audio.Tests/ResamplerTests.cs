using EmotionML.TestData;

namespace EmotionML.Audio.Tests;

public sealed class ResamplerTests
{
    [Fact]
    public void A_1kHz_tone_keeps_its_level_within_a_tenth_of_a_dB_from_48k_to_16k()
    {
        var tone = Signals.Sine(1000, 48000, 2.0);
        foreach (var quality in new[] { ResamplerQuality.High, ResamplerQuality.Librosa })
        {
            var output = PolyphaseResampler.Create(48000, 16000, quality).Resample(tone);
            Assert.Equal(32000, output.Length);
            // Away from the edges, where the filter sees zeros.
            double change = Signals.RmsDb(output.AsSpan(1000, 30000)) - Signals.RmsDb(tone.AsSpan(3000, 90000));
            Assert.True(Math.Abs(change) < 0.1, $"{quality}: level changed by {change:F3} dB");
        }
    }

    [Fact]
    public void A_12kHz_tone_at_48k_is_attenuated_by_at_least_60_dB()
    {
        var tone = Signals.Sine(12000, 48000, 2.0);
        var output = PolyphaseResampler.Create(48000, 16000).Resample(tone);
        double attenuation = Signals.RmsDb(tone) - Signals.RmsDb(output.AsSpan(1000, 30000));
        Assert.True(attenuation >= 60, $"attenuation {attenuation:F1} dB");
    }

    [Theory]
    [InlineData(44100, 16000)]
    [InlineData(48000, 16000)]
    [InlineData(22050, 16000)]
    public void The_samples_do_not_depend_on_where_the_input_sits_in_memory(int from, int to)
    {
        // The same input at every offset from an array's start (so at every alignment of a vector's width): the whole-clip
        // and streaming paths hand the filter differently placed spans. (The filter's dot products add in SpanMath's
        // fixed order, which SpanMathTests check on every instruction set CI runs; a routine whose order followed the
        // alignment, as TensorPrimitives' may for long spans, would fail here.)
        var tone = Signals.Sine(440, from, 0.3);
        var resampler = PolyphaseResampler.Create(from, to);
        var expected = resampler.Resample(tone);
        for (int offset = 1; offset < 16; offset++)
        {
            var shifted = new float[tone.Length + offset];
            tone.CopyTo(shifted.AsSpan(offset));
            Assert.Equal(expected, resampler.Resample(shifted.AsSpan(offset)));
        }
    }

    [Theory]
    [InlineData(44100, 16000)]
    [InlineData(8000, 16000)]
    [InlineData(22050, 16000)]
    [InlineData(16000, 22050)]
    [InlineData(48000, 16000)]
    [InlineData(11127, 16000)]
    [InlineData(767999, 16000)]
    public void Output_length_is_the_ceiling_of_the_rate_ratio_and_tones_below_nyquist_survive(int from, int to)
    {
        var tone = Signals.Sine(500, from, 0.5);
        var resampler = PolyphaseResampler.Create(from, to);
        var output = resampler.Resample(tone);
        Assert.Equal((long)Math.Ceiling(tone.Length * (double)to / from), output.Length);
        Assert.True(resampler.Up <= 4096 && resampler.Down <= 4096);
        int edge = output.Length / 5;
        double change = Signals.RmsDb(output.AsSpan(edge, output.Length - 2 * edge)) - Signals.RmsDb(tone);
        Assert.True(Math.Abs(change) < 0.2, $"{from}->{to}: level changed by {change:F2} dB");
    }

    public static TheoryData<string> ReferenceClips()
    {
        var data = new TheoryData<string>();
        foreach (var name in LibrosaReference.Names())
        {
            if (LibrosaReference.Load(name).HasConfig("sr22050_polyphase"))
            {
                data.Add(name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ReferenceClips))]
    public void Librosa_quality_reproduces_librosa_polyphase_loading(string clip)
    {
        var reference = LibrosaReference.Load(clip);
        var audio = new AudioDecoder().Decode(reference.AudioPath);
        var y = audio.ResampleTo(22050, ResamplerQuality.Librosa).Samples;
        Assert.Equal((int)reference.Scalar("sr22050_polyphase", "n_samples"), y.Length);
        double sum = 0, max = 0;
        foreach (float v in y)
        {
            sum += v;
            max = Math.Max(max, Math.Abs(v));
        }

        // y_sum is the float64 sum of librosa's float32 output: equal to rounding only if every sample is.
        Assert.Equal(reference.Scalar("sr22050_polyphase", "y_sum"), sum, 1e-9);
        Assert.Equal(reference.Scalar("sr22050_polyphase", "y_abs_max"), max, 1e-9);
    }
}
