using EmotionML.TestData;

namespace EmotionML.Features.Tests;

/// <summary>YIN on synthetic signals whose F0 is known.</summary>
public sealed class PitchTests
{
    private static readonly SpeechFeatureExtractor Extractor = new();

    [Theory]
    [InlineData(80.0)]
    [InlineData(110.0)]
    [InlineData(220.0)]
    [InlineData(440.0)]
    public void A_sine_is_voiced_at_its_frequency(double hz)
    {
        var v = Extractor.Extract(Signals.Sine(hz, 16000, 2.0), 16000);
        Assert.InRange(v["f0_mean"], hz * 0.99, hz * 1.01);
        Assert.True(v["f0_std"] < hz * 0.01, $"f0_std {v["f0_std"]}");
        Assert.True(v["voiced_fraction"] > 0.9, $"voiced fraction {v["voiced_fraction"]}");
    }

    [Fact]
    public void A_harmonic_rich_tone_gives_its_fundamental_not_an_octave_error()
    {
        const double f0 = 150;
        var x = new float[32000];
        for (int h = 1; h <= 10; h++)
        {
            var partial = Signals.Sine(f0 * h, 16000, 2.0, 0.3 / h, phase: h);
            for (int i = 0; i < x.Length; i++)
            {
                x[i] += partial[i];
            }
        }

        var v = Extractor.Extract(x, 16000);
        Assert.InRange(v["f0_mean"], f0 * 0.99, f0 * 1.01);
        Assert.True(v["voiced_fraction"] > 0.9);
    }

    [Fact]
    public void White_noise_and_silence_are_unvoiced()
    {
        var noise = Extractor.Extract(Signals.Noise(32000, seed: 1), 16000);
        Assert.True(noise["voiced_fraction"] < 0.1, $"noise voiced fraction {noise["voiced_fraction"]}");
        var silence = Extractor.Extract(new float[32000], 16000);
        Assert.Equal(0f, silence["voiced_fraction"]);
        Assert.Equal(0f, silence["f0_mean"]);
        Assert.Equal(0f, silence["f0_std"]);
    }

    [Fact]
    public void A_tone_after_silence_is_voiced_only_where_it_sounds()
    {
        var x = new float[32000];
        Signals.Sine(200, 16000, 1.0).CopyTo(x, 16000);
        var frames = Extractor.ExtractFrames(x, 16000, FeatureKinds.Pitch);
        var voiced = frames.Voiced!.Row(0);
        int hop = Extractor.Options.Stft.HopLength;
        Assert.Equal(0f, voiced[16000 / hop - 4]);
        Assert.Equal(1f, voiced[24000 / hop]);
        var f0 = frames.F0!.Row(0);
        Assert.InRange(f0[24000 / hop], 198, 202);
    }

    [Fact]
    public void Real_speech_has_a_plausible_pitch_and_voicing()
    {
        foreach (var path in SharedData.RavdessClips(6))
        {
            var v = Extractor.Extract(new Audio.AudioDecoder().Decode(path));
            Assert.InRange(v["voiced_fraction"], 0.1, 0.9);
            Assert.InRange(v["f0_mean"], 70, 450);
        }
    }

    [Fact]
    public void Four_frames_side_by_side_give_the_one_frame_result_bit_for_bit()
    {
        // The tracker normalises four frames' differences at once, one per vector lane; the one-frame path (no vectors)
        // must give the same F0 and voicing on real speech, whose frames mix voiced, unvoiced and silent ones, and whose
        // frame count is not a multiple of four (a part-filled last group).
        var options = new FeatureOptions();
        int hop = options.Stft.HopLength;
        foreach (var path in SharedData.RavdessClips(6))
        {
            var signal = new Audio.AudioDecoder().Decode(path).ResampleTo(options.SampleRate).Samples;
            int frames = options.Stft.FrameCount(signal.Length);
            var results = new[] { true, false }.Select(lanes =>
            {
                var tracker = new YinPitchTracker(options.Pitch, options.SampleRate) { VectorLanes = lanes };
                var f0 = new float[frames];
                var voiced = new float[frames];
                tracker.Track(signal, hop, frames, f0, voiced);
                return (f0, voiced);
            }).ToArray();
            Assert.Equal(results[1].f0.Select(BitConverter.SingleToInt32Bits), results[0].f0.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(results[1].voiced, results[0].voiced);
            Assert.Contains(results[0].voiced, v => v == 1f);
            Assert.Contains(results[0].voiced, v => v == 0f);
        }
    }
}
