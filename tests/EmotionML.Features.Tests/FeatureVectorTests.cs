using EmotionML.Audio;
using EmotionML.TestData;

namespace EmotionML.Features.Tests;

public sealed class FeatureVectorTests
{
    private static readonly SpeechFeatureExtractor Extractor = new();

    [Fact]
    public void The_default_schema_names_every_column()
    {
        var schema = Extractor.Schema;
        Assert.Equal("emotionml.pooled", schema.Name);
        Assert.Equal(1, schema.Version);
        // (40 mfcc + 40 dmfcc + 12 chroma + 7 contrast + 128 mel + 7 scalars) x (mean, std) + voiced_fraction
        Assert.Equal((40 + 40 + 12 + 7 + 128 + 7) * 2 + 1, schema.Columns.Count);
        Assert.Equal(schema.Columns.Count, schema.Columns.Distinct().Count());
        foreach (var name in new[] { "mfcc00_mean", "mfcc39_std", "dmfcc00_mean", "chroma00_mean", "chroma11_std", "contrast00_mean", "contrast06_std",
            "mel000_mean", "mel127_std", "zcr_mean", "rolloff_mean", "centroid_mean", "rms_mean", "bandwidth_mean", "flatness_mean", "f0_mean", "f0_std", "voiced_fraction" })
        {
            Assert.True(schema.IndexOf(name) >= 0, name);
        }
    }

    [Fact]
    public void The_fingerprint_is_stable_and_changes_with_any_option_that_changes_values()
    {
        Assert.Equal(FeatureSchema.For(new FeatureOptions()), FeatureSchema.For(new FeatureOptions()));
        var baseline = FeatureSchema.For(new FeatureOptions());
        var variants = new[]
        {
            new FeatureOptions { Chroma = new ChromaOptions { Spectrum = ChromaSpectrum.Magnitude } },
            new FeatureOptions { Stft = StftOptions.Speech },
            new FeatureOptions { SampleRate = 22050 },
            new FeatureOptions { Pitch = new PitchOptions { TroughThreshold = 0.1 } },
            new FeatureOptions { RolloffPercent = 0.9 },
        };
        foreach (var v in variants)
        {
            var schema = FeatureSchema.For(v);
            Assert.Equal(baseline.Columns, schema.Columns);
            Assert.NotEqual(baseline.Fingerprint, schema.Fingerprint);
            Assert.Throws<FeatureSchemaMismatchException>(() => baseline.EnsureCompatible(schema));
        }

        var all = FeatureSchema.For(new FeatureOptions { Statistics = PoolingStatistics.All });
        Assert.Equal((baseline.Columns.Count - 1) * 3 + 1, all.Columns.Count);
        Assert.Contains("mfcc05_kurt", all.Columns);
    }

    [Fact]
    public void Pooled_values_are_the_statistics_of_the_frame_features()
    {
        var clip = new AudioDecoder().Decode(SharedData.RavdessClips(1)[0]);
        var frames = Extractor.ExtractFrames(clip.Samples, clip.SampleRate);
        var vector = Extractor.Extract(clip);
        var (mean, std) = LibrosaConformanceTests.MeanStd(frames.Mfcc!);
        Assert.Equal(mean[0], vector["mfcc00_mean"], 3);
        Assert.Equal(std[39], vector["mfcc39_std"], 4);
        var (melMean, _) = LibrosaConformanceTests.MeanStd(frames.Mel!);
        Assert.Equal(melMean[127], vector["mel127_mean"], 6);
        var voiced = frames.Voiced!.Row(0).ToArray();
        var f0 = frames.F0!.Row(0).ToArray();
        Assert.Equal(f0.Where((_, i) => voiced[i] > 0).Average(), vector["f0_mean"], 2);
        Assert.Equal(voiced.Average(), vector["voiced_fraction"], 5);
    }

    [Fact]
    public void More_statistics_are_consistent_with_the_frames()
    {
        var x = Signals.Noise(16000, seed: 3);
        var extractor = new SpeechFeatureExtractor(new FeatureOptions { Statistics = PoolingStatistics.All });
        var v = extractor.Extract(x, 16000);
        var rms = extractor.ExtractFrames(x, 16000, FeatureKinds.Rms).Rms!.Row(0).ToArray();
        Assert.Equal(rms.Min(), v["rms_min"], 6);
        Assert.Equal(rms.Max(), v["rms_max"], 6);
        Assert.True(v["rms_min"] <= v["rms_mean"] && v["rms_mean"] <= v["rms_max"]);
    }

    [Fact]
    public void Spectral_flatness_separates_noise_from_tones_and_is_one_for_silence()
    {
        var noise = Extractor.Extract(Signals.Noise(32000, seed: 2), 16000)["flatness_mean"];
        var tone = Extractor.Extract(Signals.Sine(1000, 16000, 2.0), 16000)["flatness_mean"];
        Assert.InRange(noise, 0.4, 0.8); // white noise: exp(-gamma) = 0.56 for an exponential power distribution
        Assert.True(tone < 0.01, $"tone flatness {tone}");
        Assert.InRange(Extractor.Extract(new float[8000], 16000)["flatness_mean"], 0.9999, 1.0001);
    }

    [Fact]
    public void Silence_and_a_clip_shorter_than_a_frame_give_finite_defined_vectors()
    {
        foreach (var x in new[] { new float[16000], new float[1], Signals.Sine(300, 16000, 0.01) })
        {
            var v = Extractor.Extract(x, 16000);
            Assert.All(v.Values, value => Assert.True(float.IsFinite(value)));
        }

        var silence = Extractor.Extract(new float[16000], 16000);
        Assert.Equal(-100 * Math.Sqrt(128), silence["mfcc00_mean"], 2); // every mel band at the -100 dB floor
        Assert.Equal(0f, silence["rms_mean"]);
        Assert.Equal(0f, silence["chroma00_mean"]);
    }

    [Fact]
    public void Bad_samples_are_refused_with_clear_errors()
    {
        Assert.Throws<ArgumentException>(() => Extractor.Extract([], 16000));
        var nan = Signals.Sine(100, 16000, 0.1);
        nan[10] = float.NaN;
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => Extractor.Extract(nan, 16000)).Message);
        Assert.Contains("resample", Assert.Throws<ArgumentException>(() => Extractor.Extract(new float[100], 44100)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpeechFeatureExtractor(new FeatureOptions { Stft = new StftOptions { FftSize = 1000 } }));
    }

    [Fact]
    public void Clips_at_other_rates_are_resampled_to_the_analysis_rate()
    {
        var at16 = Extractor.Extract(new AudioClip(Signals.Sine(440, 16000, 1.0), 16000));
        var at48 = Extractor.Extract(new AudioClip(Signals.Sine(440, 48000, 1.0), 48000));
        Assert.Equal(16000, Extractor.Options.SampleRate);
        Assert.InRange(at48["f0_mean"], at16["f0_mean"] * 0.995, at16["f0_mean"] * 1.005);
        Assert.InRange(at48["centroid_mean"], at16["centroid_mean"] * 0.99, at16["centroid_mean"] * 1.01);
    }

    [Fact]
    public void Reused_matrix_storage_gives_the_vector_of_freshly_allocated_matrices_whatever_came_before()
    {
        // Extract pools from matrices kept in a reused workspace; ExtractFrames hands out matrices it allocates. A long
        // clip, a short one, the long one again, and a recording too long for the reused storage (over a minute) must
        // each pool to exactly what their own frames pool to, so no value of an earlier clip leaks into a later one.
        var speech = new AudioDecoder().Decode(SharedData.RavdessClips(1).First()).Samples;
        var minuteAndMore = new float[16000 * 70];
        for (int i = 0; i < minuteAndMore.Length; i++)
        {
            minuteAndMore[i] = speech[i % speech.Length] * (0.5f + 0.5f * MathF.Sin(i / 9000f));
        }

        var extractor = new SpeechFeatureExtractor();
        float[][] clips = [speech, speech[..(speech.Length / 3)], speech, minuteAndMore, speech[..(speech.Length / 3)]];
        foreach (var clip in clips)
        {
            var pooled = extractor.Extract(clip, 16000).Values;
            var fromFrames = Pooling.Pool(extractor.ExtractFrames(clip, 16000), extractor.Options, extractor.Schema.Columns.Count);
            Assert.Equal(fromFrames, pooled);
        }

        Assert.True(MatrixArena.MaxFloats < 128L * extractor.Options.Stft.FrameCount(minuteAndMore.Length), "the long recording must exceed the reused storage");
    }

    [Fact]
    public void One_extractor_shared_by_many_threads_gives_the_sequential_results()
    {
        var clips = SharedData.RavdessClips(12).Select(p => new AudioDecoder().Decode(p)).ToArray();
        var sequential = clips.Select(c => Extractor.Extract(c).Values).ToArray();
        var parallel = new float[clips.Length][];
        Parallel.For(0, clips.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i % clips.Length] = Extractor.Extract(clips[i % clips.Length]).Values);
        for (int i = 0; i < clips.Length; i++)
        {
            Assert.Equal(sequential[i], parallel[i]);
        }
    }

    [Fact]
    public void The_speech_preset_frames_every_10_ms()
    {
        var extractor = new SpeechFeatureExtractor(FeatureOptions.ForPreset(FeaturePreset.Speech));
        Assert.Equal(512, extractor.Options.Stft.FftSize);
        Assert.Equal(400, extractor.Options.Stft.EffectiveWindowLength);
        var frames = extractor.ExtractFrames(Signals.Sine(220, 16000, 1.0), 16000);
        Assert.Equal(1 + 16000 / 160, frames.Frames);
        var v = extractor.Extract(Signals.Sine(220, 16000, 1.0), 16000);
        Assert.InRange(v["f0_mean"], 218, 222);
        Assert.InRange(v["centroid_mean"], 150, 400);
    }

    [Fact]
    public void Batch_extraction_keeps_order_reports_bad_files_and_matches_single_extraction()
    {
        var files = SharedData.RavdessClips(6).ToList();
        var bad = Path.Combine(Path.GetTempPath(), $"emotionml-bad-{Guid.NewGuid():N}.wav");
        File.WriteAllText(bad, "This is a text file that merely has a .wav name.");
        files.Insert(2, bad);
        try
        {
            var batch = new FileFeatureExtractor(Extractor);
            var results = batch.ExtractFiles(files, threads: 2);
            Assert.Equal(files, results.Select(r => r.Path));
            Assert.False(results[2].Succeeded);
            Assert.Contains("not a recognised audio format", results[2].Error);
            Assert.All(results.Where((_, i) => i != 2), r => Assert.True(r.Succeeded));
            Assert.Equal(batch.ExtractFile(files[0]).Vector!.Values, results[0].Vector!.Values);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public void Batch_extraction_resamples_other_rates_as_a_decoded_clip_does_and_reports_empty_files()
    {
        var dir = Directory.CreateTempSubdirectory("emotionml-batch-");
        try
        {
            // A real clip brought to 44.1 kHz: the batch path (rented decode, resampled span) must give the vector the
            // public AudioClip path gives, and the duration of the file as read.
            var speech = new EmotionML.Audio.AudioDecoder().Decode(SharedData.RavdessClips(1).First()).ResampleTo(44100);
            string resampled = Path.Combine(dir.FullName, "at-44k.wav"), empty = Path.Combine(dir.FullName, "empty.wav");
            File.WriteAllBytes(resampled, Signals.Wav16(speech.Samples, 44100));
            File.WriteAllBytes(empty, Signals.Wav16([], 16000));

            var batch = new FileFeatureExtractor(Extractor);
            var result = batch.ExtractFile(resampled);
            var expected = Extractor.Extract(new EmotionML.Audio.AudioDecoder().Decode(resampled));
            Assert.True(result.Succeeded, result.Error);
            Assert.Equal(44100, result.SourceSampleRate);
            Assert.Equal(speech.Samples.Length / 44100.0, result.DurationSeconds, 9);
            Assert.Equal(expected.Values, result.Vector!.Values);

            var none = batch.ExtractFile(empty);
            Assert.False(none.Succeeded);
            Assert.Contains("no samples", none.Error);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
