using EmotionML.TestData;

namespace EmotionML.Features.Tests;

public sealed class DeltaAndLogMelTests
{
    [Fact]
    public void Delta_is_the_savitzky_golay_slope_with_interp_edges()
    {
        var m = new FeatureMatrix(2, 20);
        for (int t = 0; t < 20; t++)
        {
            m[0, t] = 3 * t - 5;        // a line: slope 3 everywhere, edges included
            m[1, t] = t * t;            // a parabola: interior slope 2t; edges take the first/last full window
        }

        var d = DeltaFilter.Apply(m, 9);
        for (int t = 0; t < 20; t++)
        {
            Assert.Equal(3f, d[0, t], 4);
        }

        for (int t = 4; t < 16; t++)
        {
            double expected = 0;
            for (int k = -4; k <= 4; k++)
            {
                expected += k * (double)m[1, t + k] / 60.0; // savgol(9, polyorder 1, deriv 1) weights k / 60
            }

            Assert.Equal(expected, d[1, t], 3);
        }

        Assert.Equal(d[1, 4], d[1, 0]);
        Assert.Equal(d[1, 15], d[1, 19]);
    }

    [Fact]
    public void Delta_of_a_clip_shorter_than_the_window_is_its_overall_slope()
    {
        var m = new FeatureMatrix(1, 4);
        for (int t = 0; t < 4; t++)
        {
            m[0, t] = 2 * t;
        }

        Assert.All(DeltaFilter.Apply(m, 9).Row(0).ToArray(), v => Assert.Equal(2f, v, 5));
        Assert.All(DeltaFilter.Apply(new FeatureMatrix(3, 1), 9).Data, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Log_mel_is_the_db_mel_spectrogram_with_fixed_length_options()
    {
        var extractor = new SpeechFeatureExtractor();
        var x = Signals.Sine(440, 16000, 2.0);
        var mel = extractor.ExtractFrames(x, 16000, FeatureKinds.Mel).Mel!;
        var logMel = extractor.ExtractLogMel(x, 16000);
        Assert.Equal(128, logMel.MelBands);
        Assert.Equal(mel.Frames, logMel.Frames);
        float top = logMel.Data.Max();
        for (int b = 0; b < 128; b += 17)
        {
            double expected = Math.Max(10 * Math.Log10(Math.Max(1e-10, mel[b, 30])), top - 80);
            Assert.Equal(expected, logMel[b, 30], 3);
        }

        var normalised = extractor.ExtractLogMel(x, 16000, new LogMelOptions { ReferenceToMax = true });
        Assert.Equal(0f, normalised.Data.Max(), 4);

        var padded = extractor.ExtractLogMel(x, 16000, new LogMelOptions { FixedFrames = 100 });
        Assert.Equal(100, padded.Frames);
        Assert.Equal(mel.Frames, padded.ValidFrames);
        Assert.Equal(logMel[5, 10], padded[5, 10]);
        Assert.Equal(logMel.Data.Min(), padded[5, 99]);

        var cropped = extractor.ExtractLogMel(x, 16000, new LogMelOptions { FixedFrames = 20 });
        Assert.Equal(20, cropped.Frames);
        int offset = (mel.Frames - 20) / 2;
        Assert.Equal(logMel[7, offset + 3], cropped[7, 3]);
    }

    [Fact]
    public void The_scoped_log_mel_reuses_its_storage_for_equal_lengths_and_equals_a_fresh_extraction()
    {
        // A timeline's windows: the engine's scoped spectrogram keeps its storage for the next clip of the same length.
        var extractor = new LogMelExtractor();
        var speech = new Audio.AudioDecoder().Decode(Path.Combine(SharedData.SamplesDir, "ravdess-angry-actor12.wav")).ResampleTo(16000).Samples;
        float[][] windows = [speech[..32000], speech[16000..48000], speech[8000..20000], speech[24000..56000]];
        float[]? previous = null;
        for (int w = 0; w < windows.Length; w++)
        {
            var fresh = extractor.Extract(windows[w], 16000);
            var storage = extractor.WithSpectrogram(windows[w], 16000, scoped =>
            {
                Assert.Equal(fresh.MelBands, scoped.MelBands);
                Assert.Equal(fresh.Frames, scoped.Frames);
                Assert.Equal(fresh.Data, scoped.Data); // bit for bit, with nothing left over from the window before
                return scoped.Data;
            });
            // Windows 0, 1 and 3 have one length (the same storage); window 2 is shorter (its own).
            if (w is 1 or 3 && previous is not null && windows[w - 1].Length == windows[w].Length)
            {
                Assert.Same(previous, storage);
            }

            if (w == 2)
            {
                Assert.NotSame(previous, storage);
            }

            previous = storage;
        }
    }
}
