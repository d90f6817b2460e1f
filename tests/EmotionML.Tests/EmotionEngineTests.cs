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
    public void A_tree_model_ignores_the_CNN_crops_setting_but_rejects_an_impossible_one()
    {
        using var engine = EmotionEngine.Load(fixture.ModelPath, new EngineOptions { CnnTestCrops = 1 });
        Assert.Null(engine.Model.Cnn);
        Assert.Throws<ArgumentOutOfRangeException>(() => EmotionEngine.Load(fixture.ModelPath, new EngineOptions { CnnTestCrops = 0 }));
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
    public void Speaker_normalised_models_score_a_speaker_with_a_profile_from_other_clips()
    {
        using var engine = EmotionEngine.Load(fixture.NormalizedModelPath);
        Assert.True(engine.RequiresSpeakerProfile);
        var speaker = fixture.HeldOut.Where(i => i.Speaker == "emodb:16").ToArray();
        Assert.Throws<InvalidOperationException>(() => engine.Predict(File.OpenRead(speaker[0].Path)));
        // Enrol with 8 clips; score only the speaker's other clips.
        var enrolment = speaker.Take(8).ToArray();
        var scored = speaker.Skip(8).ToArray();
        var profile = engine.CreateSpeakerProfile(enrolment.Select(i => (Stream)File.OpenRead(i.Path)));
        Assert.Equal(8, profile.Clips);
        int correct = scored.Count(i => engine.Predict(File.OpenRead(i.Path), profile).Label == i.Label);
        // 7 classes: chance is about 0.14.
        Assert.True(correct > scored.Length * 0.4, $"{correct} of {scored.Length}");
        using var plain = EmotionEngine.Load(fixture.ModelPath);
        Assert.Throws<InvalidOperationException>(() => plain.CreateSpeakerProfile(enrolment.Select(i => (Stream)File.OpenRead(i.Path))));
    }

    [Fact]
    public async Task Disposing_while_predictions_are_in_flight_lets_them_finish_and_leaks_no_engine()
    {
        var engine = EmotionEngine.Load(fixture.ModelPath);
        var clips = fixture.HeldOut.Take(8).Select(i => new AudioDecoder().Decode(i.Path)).ToArray();
        var expected = clips.Select(c => engine.Predict(c.Samples, c.SampleRate).Label).ToArray();
        int done = 0, refused = 0;
        using var start = new Barrier(5);
        // Each worker predicts until the engine refuses it (bounded, so a Dispose that never refuses fails instead
        // of hanging); Dispose comes once some predictions have finished, however fast the machine.
        const int Limit = 20_000;
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            start.SignalAndWait();
            for (int n = 0; n < Limit; n++)
            {
                try
                {
                    Assert.Equal(expected[n % clips.Length], engine.Predict(clips[n % clips.Length].Samples, clips[n % clips.Length].SampleRate).Label);
                    Interlocked.Increment(ref done);
                }
                catch (ObjectDisposedException)
                {
                    Interlocked.Increment(ref refused);
                    return;
                }
            }
        })).ToArray();
        start.SignalAndWait();
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref done) >= 8, TimeSpan.FromSeconds(60)), "the workers should predict before Dispose");
        engine.Dispose();
        await Task.WhenAll(workers);
        Assert.Equal(4, refused); // every worker was refused after Dispose, none ran out of its bound
        Assert.InRange(done, 8, 4 * Limit);
        Assert.Equal(0, engine.Model.PooledEngineCount);
        Assert.Throws<ObjectDisposedException>(() => engine.Predict(clips[0].Samples, clips[0].SampleRate));
    }

    [Fact]
    public void The_engine_pool_and_the_resampler_cache_are_bounded()
    {
        using var engine = EmotionEngine.Load(fixture.ModelPath);
        var clip = new AudioDecoder().Decode(fixture.HeldOut[0].Path);
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 32 }, _ => engine.Predict(clip.Samples, clip.SampleRate));
        Assert.InRange(engine.Model.PooledEngineCount, 1, EmotionModel.MaxPooledEngines);
        // Clips at twelve different rates: at most eight resamplers are kept.
        foreach (int rate in new[] { 8000, 11025, 12000, 22050, 24000, 32000, 44100, 48000, 88200, 96000, 176400, 192000 })
        {
            var resampled = clip.ResampleTo(rate);
            engine.Predict(resampled.Samples, rate);
        }

        Assert.InRange(engine.CachedResamplerCount, 1, 8);
    }

    [Fact]
    public async Task PredictAsync_reads_a_body_that_refuses_synchronous_reads_as_Kestrel_does()
    {
        using var engine = EmotionEngine.Load(fixture.ModelPath);
        var bytes = await File.ReadAllBytesAsync(fixture.HeldOut[0].Path);
        var expected = engine.Predict(new MemoryStream(bytes));
        var p = await engine.PredictAsync(new AsyncOnlyStream(bytes));
        Assert.Equal(expected.Scores.Values, p.Scores.Values);
    }

    /// <summary>A request body as Kestrel gives it with AllowSynchronousIO off: synchronous reads throw.</summary>
    private sealed class AsyncOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous operations are disallowed.");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer[..Math.Min(buffer.Length, 1000)], cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task PredictAsync_buffers_at_most_MaxBufferedBytes()
    {
        var bytes = await File.ReadAllBytesAsync(fixture.HeldOut[0].Path);
        using var engine = EmotionEngine.Load(fixture.ModelPath, new EngineOptions { Audio = AudioDecoderOptions.Default with { MaxBufferedBytes = bytes.Length - 1 } });
        var error = await Assert.ThrowsAsync<AudioDecodeException>(() => engine.PredictAsync(NonSeekableStream.Of(bytes)));
        Assert.Equal(AudioErrorKind.TooLong, error.Kind);
        using var roomy = EmotionEngine.Load(fixture.ModelPath, new EngineOptions { Audio = AudioDecoderOptions.Default with { MaxBufferedBytes = bytes.Length } });
        Assert.NotNull((await roomy.PredictAsync(NonSeekableStream.Of(bytes))).Label);
    }

    [Fact]
    public void A_bundle_whose_manifest_was_edited_or_whose_model_disagrees_with_its_labels_is_refused()
    {
        var bytes = File.ReadAllBytes(fixture.ModelPath);
        // Swap two labels in the manifest, leaving the model untouched: the checksum covers the manifest too.
        var edited = EditManifest(bytes, json => json.Replace("\"boredom\"", "\"bored\"", StringComparison.Ordinal));
        Assert.Contains("checksum", Assert.Throws<ModelBundleException>(() => EmotionEngine.Load(new MemoryStream(edited))).Message);
        var unnormalised = EditManifest(File.ReadAllBytes(fixture.NormalizedModelPath), json => json.Replace("\"shrinkage\"", "\"shrinkage_\"", StringComparison.Ordinal));
        Assert.Throws<ModelBundleException>(() => EmotionEngine.Load(new MemoryStream(unnormalised)));

        // A model whose score count is not its label count.
        var bundle = ModelBundle.Load(fixture.ModelPath);
        var ml = new Microsoft.ML.MLContext(0);
        var transformer = bundle.LoadModel(ml);
        var error = Assert.Throws<ModelBundleException>(() => EmotionModel.FromTransformer(ml, transformer, bundle.Manifest.Schema, bundle.Manifest.Labels.Take(5).ToArray()));
        Assert.Contains("7 scores", error.Message);
    }

    private static byte[] EditManifest(byte[] bundle, Func<string, string> edit) => ZipRewrite.Entries(bundle, (name, content) =>
    {
        if (name != "manifest.json")
        {
            return content;
        }

        var text = System.Text.Encoding.UTF8.GetString(content);
        var changed = edit(text);
        Assert.NotEqual(text, changed);
        return System.Text.Encoding.UTF8.GetBytes(changed);
    });
}
