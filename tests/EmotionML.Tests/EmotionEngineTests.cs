using EmotionML.Audio;
using EmotionML.Features;
using EmotionML.TestData;
using EmotionML.Training;
using EmotionML.Training.AutoML;
using EmotionML.Training.Corpora;
using EmotionML.Training.Data;

namespace EmotionML.Tests;

/// <summary>A model trained on EmoDB speakers 03-14 (LightGBM, no speaker normalisation), and one with it.</summary>
public sealed class EngineFixture : IDisposable
{
    public EngineFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("emotionml-engine-").FullName;
        var corpus = CorpusReader.Read(Path.Combine(SharedData.RootPath, "data", "emodb"), CorpusFormat.EmoDb);
        Train = new Corpus("emodb", corpus.Items.Where(i => i.Speaker != "emodb:15" && i.Speaker != "emodb:16").ToArray(), [], corpus.Labels);
        HeldOut = corpus.Items.Where(i => i.Speaker is "emodb:15" or "emodb:16").ToArray();
        var data = EmotionDataset.Build(Train, new SpeechFeatureExtractor(), new FeatureCache(Path.Combine(Directory, "cache")));
        ModelPath = TrainModel(data, SpeakerNormalizationChoice.Never, "plain.emlmodel");
        NormalizedModelPath = TrainModel(data, SpeakerNormalizationChoice.Always, "normalised.emlmodel");
    }

    public string Directory { get; }

    public Corpus Train { get; }

    public IReadOnlyList<CorpusItem> HeldOut { get; }

    public string ModelPath { get; }

    public string NormalizedModelPath { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private string TrainModel(EmotionDataset data, SpeakerNormalizationChoice norm, string name)
    {
        var result = new EmotionExperiment(new ExperimentOptions { MaxTrials = 1, Folds = 4, Trainers = [TrainerKind.LightGbm], SpeakerNormalization = norm }).Run(data);
        var path = Path.Combine(Directory, name);
        BundleWriter.Create(result, data, "emodb 03-14", FeatureOptions.Default).Save(path);
        return path;
    }
}

public sealed class EmotionEngineTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    [Fact]
    public void Predicts_held_out_speakers_well_above_chance_with_scores_that_sum_to_one()
    {
        using var engine = EmotionEngine.Load(fixture.ModelPath);
        Assert.Equal(7, engine.Labels.Count);
        int correct = 0;
        foreach (var item in fixture.HeldOut)
        {
            using var stream = File.OpenRead(item.Path);
            var p = engine.Predict(stream);
            Assert.Equal(1.0, p.Scores.Values.Sum(), 4);
            Assert.Equal(p.Scores.MaxBy(s => s.Value).Key, p.Label);
            Assert.Equal(p.Scores[p.Label], p.Confidence);
            Assert.InRange(p.Duration.TotalSeconds, 1, 10);
            correct += p.Label == item.Label ? 1 : 0;
        }

        // Speakers 15 and 16 were never trained on; 7 classes make chance about 0.14.
        double accuracy = (double)correct / fixture.HeldOut.Count;
        Assert.True(accuracy > 0.45, $"held-out accuracy {accuracy:F3}");
    }

    [Fact]
    public void Many_threads_predicting_at_once_get_exactly_the_sequential_results()
    {
        using var engine = EmotionEngine.Load(fixture.ModelPath);
        var clips = fixture.HeldOut.Take(16).Select(i => new AudioDecoder().Decode(i.Path)).ToArray();
        var sequential = clips.Select(c => engine.Predict(c.Samples, c.SampleRate)).ToArray();
        var parallel = new EmotionPrediction[clips.Length * 4];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = engine.Predict(clips[i % clips.Length].Samples, clips[i % clips.Length].SampleRate));
        for (int i = 0; i < parallel.Length; i++)
        {
            var expected = sequential[i % clips.Length];
            Assert.Equal(expected.Label, parallel[i].Label);
            Assert.Equal(expected.Scores.Values, parallel[i].Scores.Values);
        }
    }

    [Fact]
    public async Task Stream_span_and_async_forms_agree_and_other_rates_are_resampled()
    {
        using var engine = EmotionEngine.Load(File.OpenRead(fixture.ModelPath));
        var path = fixture.HeldOut[0].Path;
        var clip = new AudioDecoder().Decode(path);
        var fromStream = engine.Predict(File.OpenRead(path));
        var fromSpan = engine.Predict(clip.Samples, clip.SampleRate);
        var fromAsync = await engine.PredictAsync(NonSeekableStream.Of(File.ReadAllBytes(path)));
        Assert.Equal(fromStream.Scores.Values, fromSpan.Scores.Values);
        Assert.Equal(fromStream.Scores.Values, fromAsync.Scores.Values);
        var at44k = clip.ResampleTo(44100);
        var resampled = engine.Predict(at44k.Samples, 44100);
        // The round trip through 44.1 kHz loses the band above 7.6 kHz, so scores move, but not the decision.
        Assert.Equal(fromSpan.Label, resampled.Label);
    }

    [Fact]
    public void Bad_audio_silence_and_bad_models_give_typed_errors()
    {
        using var engine = EmotionEngine.Load(fixture.ModelPath);
        Assert.Throws<AudioDecodeException>(() => engine.Predict(new MemoryStream("definitely not audio, just text"u8.ToArray())));
        Assert.Throws<AudioDecodeException>(() => engine.Predict(new MemoryStream([])));
        Assert.Throws<SilentAudioException>(() => engine.Predict(new MemoryStream(Signals.Wav16(new float[16000], 16000))));
        Assert.Throws<SilentAudioException>(() => engine.Predict(ReadOnlySpan<float>.Empty, 16000));
        Assert.Throws<ModelBundleException>(() => EmotionEngine.Load(new MemoryStream(File.ReadAllBytes(fixture.ModelPath)[..1000])));
        Assert.Throws<ModelBundleException>(() => EmotionEngine.Load("/nonexistent.emlmodel"));
    }

    [Fact]
    public void Speaker_normalised_models_need_a_profile_of_the_speaker()
    {
        using var engine = EmotionEngine.Load(fixture.NormalizedModelPath);
        Assert.True(engine.RequiresSpeakerProfile);
        var speaker = fixture.HeldOut.Where(i => i.Speaker == "emodb:16").ToArray();
        Assert.Throws<InvalidOperationException>(() => engine.Predict(File.OpenRead(speaker[0].Path)));
        var profile = engine.CreateSpeakerProfile(speaker.Select(i => (Stream)File.OpenRead(i.Path)));
        Assert.Equal(speaker.Length, profile.Clips);
        int correct = speaker.Count(i => engine.Predict(File.OpenRead(i.Path), profile).Label == i.Label);
        Assert.True(correct > speaker.Length * 0.45, $"{correct} of {speaker.Length}");
    }
}
