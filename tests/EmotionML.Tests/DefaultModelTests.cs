using EmotionML.TestData;

namespace EmotionML.Tests;

public sealed class DefaultModelTests
{
    private static string Sample => Path.Combine(SharedData.SamplesDir, "ravdess-angry-actor12.wav");

    [Fact]
    public void The_default_model_blends_trees_with_a_CNN_whose_test_crops_the_engine_can_change()
    {
        using var standard = EmotionEngine.LoadDefault();
        var cnn = standard.Model.Cnn!;
        // Another count than the one the CNN was measured and calibrated with (three, or one when that is it).
        int other = cnn.TestCrops == 1 ? 3 : 1;
        using var changed = EmotionEngine.LoadDefault(new EngineOptions { CnnTestCrops = other });
        Assert.InRange(standard.Model.CnnWeight, 0.05, 0.95);
        Assert.Equal(cnn.Sidecar.TestCrops, cnn.TestCrops);
        Assert.Equal(other, changed.Model.Cnn!.TestCrops);

        // The sample is longer than one crop, so one crop (the centre) scores something else than the average of three.
        var logMel = cnn.LogMel.Extract(new Audio.AudioDecoder().Decode(Sample));
        Assert.True(logMel.Frames > cnn.Sidecar.Frames);
        var standardScores = cnn.Predict(logMel);
        var changedScores = changed.Model.Cnn.Predict(logMel);
        Assert.True(standardScores.Zip(changedScores).Max(p => Math.Abs(p.First - p.Second)) > 1e-4);

        using var stream = File.OpenRead(Sample);
        var prediction = changed.Predict(stream);
        Assert.Equal(1.0, prediction.Scores.Values.Sum(), 3);

        Assert.Throws<ArgumentOutOfRangeException>(() => EmotionEngine.LoadDefault(new EngineOptions { CnnTestCrops = 0 }));
    }

    [Fact]
    public void Clips_the_domain_check_flags_are_scored_by_the_CNN_alone_and_others_by_the_blend()
    {
        using var engine = EmotionEngine.LoadDefault();
        var model = engine.Model;
        Assert.True(model.CnnAloneOutOfDomain);
        Assert.True(engine.Bundle.Manifest.Cnn!.CnnAloneOutOfDomain);
        var decoder = new Audio.AudioDecoder();
        var extractor = new Features.SpeechFeatureExtractor(Features.FeatureOptions.Default);

        // An EmoDB clip (another corpus: flagged) and a RAVDESS clip (passes): each scored as the policy says.
        foreach (var (path, expectInDomain) in new[] { (Directory.GetFiles(SharedData.EmoDbDir, "*.wav").Order(StringComparer.Ordinal).First(), false), (Sample, true) })
        {
            var clip = decoder.Decode(path);
            var features = extractor.Extract(clip.Samples, clip.SampleRate).Values;
            var logMel = model.Cnn!.LogMel.Extract(clip);
            var output = model.Predict(features, logMel);
            Assert.Equal(expectInDomain, output.InDomain);
            var (tree, cnn) = model.PredictComponents([features], null, [logMel]);
            var expected = expectInDomain
                ? tree![0].Select((t, j) => (float)((1 - model.CnnWeight) * t + model.CnnWeight * cnn![0][j])).ToArray()
                : cnn![0];
            model.Calibration!.Apply(expected);
            Assert.Equal(expected, output.Probabilities, (a, b) => Math.Abs(a - b) < 1e-6);
            // The batch path (what evaluation and reports score with) agrees.
            Assert.Equal(output.Probabilities, model.PredictProbabilities([features], null, [logMel])[0], (a, b) => Math.Abs(a - b) < 1e-6);
            Assert.Equal(output.Probabilities, engine.Predict(File.OpenRead(path)).Scores.Values, (a, b) => Math.Abs(a - b) < 1e-6);
        }

        // The same model blending every clip: the flagged clip then gets the blend, and the setting survives a bundle.
        using var blendAll = EmotionModel.Load(engine.Bundle).WithCnnAloneOutOfDomain(false);
        Assert.False(blendAll.CnnAloneOutOfDomain);
        using var saved = new MemoryStream();
        ModelBundle.Create(blendAll, engine.Bundle.Manifest).Save(saved);
        saved.Position = 0;
        Assert.False(ModelBundle.Load(saved).Manifest.Cnn!.CnnAloneOutOfDomain);
        var emodb = decoder.Decode(Directory.GetFiles(SharedData.EmoDbDir, "*.wav").Order(StringComparer.Ordinal).First());
        var f = extractor.Extract(emodb.Samples, emodb.SampleRate).Values;
        var lm = blendAll.Cnn!.LogMel.Extract(emodb);
        var (t0, c0) = blendAll.PredictComponents([f], null, [lm]);
        var blended = t0![0].Select((t, j) => (float)((1 - blendAll.CnnWeight) * t + blendAll.CnnWeight * c0![0][j])).ToArray();
        blendAll.Calibration!.Apply(blended);
        Assert.Equal(blended, blendAll.Predict(f, lm).Probabilities, (a, b) => Math.Abs(a - b) < 1e-6);

        // Only a blend with a domain check can have the setting.
        using var cnnOnly = EmotionModel.FromCnn(CnnModel.Load(Path.Combine(SharedData.RepositoryRoot, "artifacts", "cnn", "ravdess", "model.onnx")));
        Assert.Throws<InvalidOperationException>(() => cnnOnly.WithCnnAloneOutOfDomain(true));
    }

    [Fact]
    public void Many_threads_share_the_CNN_and_get_exactly_the_sequential_results()
    {
        // One ONNX Runtime session serves every thread; clips of three lengths (and repeated lengths, whose log-mel
        // storage is reused) must score exactly as one at a time.
        using var engine = EmotionEngine.LoadDefault();
        var decoder = new Audio.AudioDecoder();
        var clips = Directory.GetFiles(SharedData.SamplesDir, "*.wav").Order(StringComparer.Ordinal)
            .Select(p => decoder.Decode(p).ResampleTo(16000).Samples).ToArray();
        float[][] inputs = [.. clips, .. clips.Select(c => c[..32000]), .. clips.Select(c => c[8000..40000])];
        var sequential = inputs.Select(x => engine.Predict(x, 16000)).ToArray();
        var parallel = new EmotionPrediction[inputs.Length * 6];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = engine.Predict(inputs[i % inputs.Length], 16000));
        for (int i = 0; i < parallel.Length; i++)
        {
            Assert.Equal(sequential[i % inputs.Length].Scores.Values, parallel[i].Scores.Values);
        }
    }

    [Fact]
    public async Task Disposing_the_CNN_while_it_scores_on_other_threads_lets_them_finish_and_then_refuses()
    {
        var engine = EmotionEngine.LoadDefault();
        var cnn = engine.Model.Cnn!;
        var logMel = cnn.LogMel.Extract(new Audio.AudioDecoder().Decode(Sample));
        var expected = cnn.Predict(logMel);
        int done = 0, refused = 0;
        const int Limit = 5_000;
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (int n = 0; n < Limit; n++)
            {
                try
                {
                    Assert.Equal(expected, cnn.Predict(logMel));
                    Interlocked.Increment(ref done);
                }
                catch (ObjectDisposedException)
                {
                    Interlocked.Increment(ref refused);
                    return;
                }
            }
        })).ToArray();
        // A worker that fails (a score unlike the single-threaded one) ends the wait at once and is reported below.
        bool scored = SpinWait.SpinUntil(() => Volatile.Read(ref done) >= 8 || workers.Any(w => w.IsFaulted), TimeSpan.FromSeconds(60));
        if (workers.FirstOrDefault(w => w.IsFaulted) is { } failed)
        {
            await failed;
        }

        Assert.True(scored, "the workers should score before Dispose");
        engine.Dispose();
        await Task.WhenAll(workers);
        Assert.Equal(4, refused);
        Assert.Throws<ObjectDisposedException>(() => cnn.Predict(logMel));
    }
}
