using EmotionML.Features;
using EmotionML.TestData;
using EmotionML.Training.AutoML;
using EmotionML.Training.Corpora;
using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;

namespace EmotionML.Training.Tests;

/// <summary>EmoDB (535 clips, 10 speakers) features, shared by the tests of this class.</summary>
public sealed class EmoDbFixture : IDisposable
{
    public EmoDbFixture()
    {
        CacheDir = Directory.CreateTempSubdirectory("emotionml-cache-").FullName;
        Corpus = CorpusReader.Read(Path.Combine(SharedData.RootPath, "data", "emodb"), CorpusFormat.EmoDb);
        Data = EmotionDataset.Build(Corpus, new SpeechFeatureExtractor(), new FeatureCache(CacheDir));
    }

    public string CacheDir { get; }

    public Corpus Corpus { get; }

    public EmotionDataset Data { get; }

    public void Dispose() => Directory.Delete(CacheDir, recursive: true);
}

public sealed class DatasetAndExperimentTests(EmoDbFixture emodb) : IClassFixture<EmoDbFixture>
{
    [Fact]
    public void A_second_build_over_the_same_audio_extracts_nothing()
    {
        Assert.Equal(535, emodb.Data.Count);
        Assert.Equal(535, emodb.Data.ExtractedCount);
        var again = EmotionDataset.Build(emodb.Corpus, new SpeechFeatureExtractor(), new FeatureCache(emodb.CacheDir));
        Assert.Equal(0, again.ExtractedCount);
        for (int i = 0; i < again.Count; i += 50)
        {
            Assert.Equal(emodb.Data.Features[i], again.Features[i]);
        }

        // Other feature options are another cache entry, not a stale hit.
        var speech = EmotionDataset.Build(new Corpus("emodb", emodb.Corpus.Items.Take(5).ToArray(), [], emodb.Corpus.Labels), new SpeechFeatureExtractor(FeatureOptions.ForPreset(FeaturePreset.Speech)), new FeatureCache(emodb.CacheDir));
        Assert.Equal(5, speech.ExtractedCount);
    }

    [Fact]
    public void A_corrupt_cache_entry_is_recomputed()
    {
        var cache = new FeatureCache(Directory.CreateTempSubdirectory("emotionml-cache-").FullName);
        var item = emodb.Corpus.Items[0];
        var schema = new SpeechFeatureExtractor().Schema;
        var hash = FeatureCache.ContentHash(item.Path);
        cache.Put(hash, schema, emodb.Data.Features[0]);
        Assert.Equal(emodb.Data.Features[0], cache.TryGet(hash, schema));
        var entry = Directory.GetFiles(cache.Directory, "*.bin", SearchOption.AllDirectories).Single();
        File.WriteAllBytes(entry, File.ReadAllBytes(entry)[..100]);
        Assert.Null(cache.TryGet(hash, schema));
        Directory.Delete(cache.Directory, true);
    }

    [Fact]
    public void The_same_seed_and_trial_count_give_the_same_leaderboard()
    {
        var options = new ExperimentOptions { MaxTrials = 4, TimeBudget = TimeSpan.FromMinutes(10), Seed = 3, Folds = 5, Trainers = [TrainerKind.SdcaMaximumEntropy, TrainerKind.LightGbm] };
        var first = new EmotionExperiment(options).Run(emodb.Data);
        var second = new EmotionExperiment(options).Run(emodb.Data);
        Assert.Equal(4, first.Trials.Count);
        Assert.Equal("trial limit", first.StoppedBecause);
        Assert.Equal(first.Leaderboard.Select(t => (t.Config.ToString(), t.Mean)), second.Leaderboard.Select(t => (t.Config.ToString(), t.Mean)));
        // Every trainer was tried from its cheap start, with and without speaker normalisation.
        Assert.Equal(4, first.Trials.Select(t => (t.Config.Trainer, t.Config.SpeakerNormalization)).Distinct().Count());
    }

    [Fact]
    public void Validation_is_speaker_independent_and_far_above_chance()
    {
        var result = new EmotionExperiment(new ExperimentOptions { MaxTrials = 1, Folds = 10, Trainers = [TrainerKind.SdcaMaximumEntropy], SpeakerNormalization = SpeakerNormalizationChoice.Always }).Run(emodb.Data);
        Assert.Equal(10, result.Folds.Count);
        Assert.StartsWith("leave-one-speaker-out", result.Folds.Description);
        Assert.All(result.Folds.SpeakersPerFold, s => Assert.Single(s));
        // 7 classes: chance is about 0.14 macro-F1.
        Assert.True(result.CrossValidatedMetrics.MacroF1 > 0.5, $"macro-F1 {result.CrossValidatedMetrics.MacroF1:F3}");
        Assert.Equal(emodb.Data.Count, result.CrossValidatedMetrics.Count);
    }

    [Fact]
    public void The_budget_and_cancellation_are_honoured()
    {
        var budget = TimeSpan.FromSeconds(6);
        var result = new EmotionExperiment(new ExperimentOptions { TimeBudget = budget, Trainers = [TrainerKind.SdcaMaximumEntropy, TrainerKind.LbfgsMaximumEntropy] }).Run(emodb.Data);
        Assert.True(result.Trials.Count >= 1);
        // A trial is not started unless past trials say it can finish in time; one may still run over.
        Assert.True(result.Elapsed <= budget + result.Trials.Max(t => t.Duration), $"{result.Elapsed} for a {budget} budget");

        using var cancel = new CancellationTokenSource();
        var cancelled = new EmotionExperiment(new ExperimentOptions { TimeBudget = TimeSpan.FromMinutes(5), Trainers = [TrainerKind.SdcaMaximumEntropy] })
            .Run(emodb.Data, new SyncProgress(_ => cancel.Cancel()), cancel.Token);
        Assert.Equal("cancelled", cancelled.StoppedBecause);
        Assert.Single(cancelled.Trials);
        Assert.NotNull(cancelled.Model);
    }

    [Fact]
    public void A_bundle_round_trips_and_scores_like_the_experiment_model()
    {
        var result = new EmotionExperiment(new ExperimentOptions { MaxTrials = 1, Trainers = [TrainerKind.LightGbm], SpeakerNormalization = SpeakerNormalizationChoice.Never }).Run(emodb.Data);
        var bundle = BundleWriter.Create(result, emodb.Data, "emodb", FeatureOptions.Default);
        var path = Path.Combine(emodb.CacheDir, "model.emlmodel");
        bundle.Save(path);
        var loaded = ModelBundle.Load(path);
        Assert.Equal(emodb.Data.Labels, loaded.Manifest.Labels);
        Assert.Equal(emodb.Data.Schema.Fingerprint, loaded.Manifest.SchemaFingerprint);
        Assert.Equal("LightGbm", loaded.Manifest.Trainer);
        Assert.Equal(535, loaded.Manifest.TrainingData.Items);
        Assert.Equal(result.CrossValidatedMetrics.MacroF1, loaded.Manifest.Validation.MacroF1, 5);
        var sample = emodb.Data.Features.Take(20).ToArray();
        using var reloaded = EmotionModel.Load(loaded);
        var before = result.Model.PredictProbabilities(sample);
        var after = reloaded.PredictProbabilities(sample);
        Assert.Equal(before, after);
        // One vector at a time (the engine's path) gives exactly the batch's probabilities.
        Assert.All(sample.Select((v, i) => (v, i)), x => Assert.Equal(after[x.i], reloaded.PredictProbabilities(x.v)));

        BundleWriter.WriteReport(path, result, emodb.Data);
        var report = BundleWriter.ReportDirectory(path);
        foreach (var file in new[] { "report.json", "report.md", "confusion.svg", "confusion.png", "per-class.svg", "per-class.png", "leaderboard.json", "leaderboard.md" })
        {
            Assert.True(new FileInfo(Path.Combine(report, file)).Length > 100, file);
        }
    }

    [Fact]
    public void Corrupt_truncated_or_mismatched_bundles_give_clear_errors()
    {
        var result = new EmotionExperiment(new ExperimentOptions { MaxTrials = 1, Trainers = [TrainerKind.SdcaMaximumEntropy] }).Run(emodb.Data);
        var bundle = BundleWriter.Create(result, emodb.Data, "emodb", FeatureOptions.Default);
        using var good = new MemoryStream();
        bundle.Save(good);
        var bytes = good.ToArray();

        Assert.Contains("does not exist", Assert.Throws<ModelBundleException>(() => ModelBundle.Load("/nonexistent/model.emlmodel")).Message);
        Assert.Throws<ModelBundleException>(() => ModelBundle.Load(new MemoryStream(bytes[..(bytes.Length / 2)])));
        Assert.Throws<ModelBundleException>(() => ModelBundle.Load(new MemoryStream("not a bundle at all"u8.ToArray())));
        Assert.Throws<ModelBundleException>(() => ModelBundle.Load(new MemoryStream([])));

        // A model that does not match its checksum.
        var tampered = WithModel(bundle, m => m[m.Length / 2] ^= 0xFF);
        Assert.Contains("do not match its checksum", Assert.Throws<ModelBundleException>(() => ModelBundle.Load(new MemoryStream(tampered))).Message);

        // Features this library would compute differently (a schema from another version).
        using var other = new MemoryStream();
        typeof(ModelBundle).GetMethod("Save", [typeof(Stream)])!.Invoke(
            typeof(ModelBundle).GetConstructors(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)[0]
                .Invoke([bundle.Manifest with { SchemaVersion = 99 }, bundle.ModelBytes, bundle.DomainBytes, null, null]), [other]);
        Assert.Contains("cannot compute the features", Assert.Throws<ModelBundleException>(() => ModelBundle.Load(new MemoryStream(other.ToArray()))).Message);
    }

    /// <summary>The saved bundle with its model entry changed and every other entry (checksum included) kept.</summary>
    private static byte[] WithModel(ModelBundle bundle, Action<byte[]> change)
    {
        using var original = new MemoryStream();
        bundle.Save(original);
        return ZipRewrite.Entries(original.ToArray(), (name, bytes) =>
        {
            if (name == "model.zip")
            {
                change(bytes);
            }

            return bytes;
        });
    }

    private sealed class SyncProgress(Action<TrialResult> report) : IProgress<TrialResult>
    {
        public void Report(TrialResult value) => report(value);
    }
}

public sealed class AugmentationTests(EmoDbFixture emodb) : IClassFixture<EmoDbFixture>
{
    [Fact]
    public void Augmented_copies_reach_training_folds_only_for_items_in_them()
    {
        var subset = new Corpus("emodb", emodb.Corpus.Items.Where((_, i) => i % 8 == 0).ToArray(), [], emodb.Corpus.Labels);
        var data = EmotionDataset.Build(subset, new SpeechFeatureExtractor(), new FeatureCache(emodb.CacheDir))
            .WithAugmentation(new Augmentation.AugmentationOptions { Copies = 2 }, new SpeechFeatureExtractor(), new FeatureCache(emodb.CacheDir), seed: 1);
        Assert.All(data.AugmentedFeatures, copies => Assert.Equal(2, copies.Length));
        Assert.NotEqual(data.Features[0], data.AugmentedFeatures[0][0]);
        Assert.NotEqual(data.AugmentedFeatures[0][0], data.AugmentedFeatures[0][1]);

        var folds = SpeakerGroupedFolds.Balanced(data.Speakers, 5);
        var validator = new CrossValidator(new Microsoft.ML.MLContext(0), data, folds, OptimizationMetric.MacroF1, 2);
        for (int k = 0; k < folds.Count; k++)
        {
            var (train, validation) = folds.Split(k);
            foreach (bool norm in new[] { false, true })
            {
                var normalization = norm ? SpeakerNormalization.Fit(train.Select(i => data.Features[i]).ToArray(), train.Select(i => data.Speakers[i]).ToArray(), 8) : null;
                var (rows, labels, sources) = validator.TrainingRows(train, normalization);
                Assert.Equal(train.Length * 3, rows.Length);
                Assert.Empty(sources.Intersect(validation));
                Assert.All(sources.Zip(labels), p => Assert.Equal(data.Items[p.First].Label, p.Second));
            }
        }

        // The same seed gives the same copies (cached or not).
        var again = EmotionDataset.Build(subset, new SpeechFeatureExtractor()).WithAugmentation(new Augmentation.AugmentationOptions { Copies = 2 }, new SpeechFeatureExtractor(), null, seed: 1);
        Assert.Equal(data.AugmentedFeatures[3][1], again.AugmentedFeatures[3][1]);
    }

    [Fact]
    public void Augmenter_applies_gain_noise_shift_and_speed_within_their_ranges()
    {
        var tone = Signals.Sine(200, 16000, 1.0, amplitude: 0.3);
        var options = new Augmentation.AugmentationOptions { NoiseSnrDb = (20, 20), GainDb = (0, 0), Speed = (1, 1), MaxShiftSeconds = 0 };
        var y = Augmentation.AudioAugmenter.Augment(tone, 16000, options, new Random(1));
        double noise = 0, signal = 0;
        for (int i = 0; i < y.Length; i++)
        {
            noise += (y[i] - tone[i]) * (y[i] - tone[i]);
            signal += tone[i] * tone[i];
        }

        Assert.InRange(10 * Math.Log10(signal / noise), 19, 21);
        var faster = Augmentation.AudioAugmenter.Augment(tone, 16000, options with { Speed = (1.1, 1.1), NoiseSnrDb = (90, 90) }, new Random(1));
        Assert.InRange(faster.Length, 14500, 14600);
    }
}

public sealed class DataViewExperimentTests(EmoDbFixture emodb) : IClassFixture<EmoDbFixture>
{
    private sealed class Row
    {
        [Microsoft.ML.Data.VectorType(469)]
        public float[] Features { get; set; } = [];

        public string Label { get; set; } = "";

        public string Speaker { get; set; } = "";
    }

    [Fact]
    public void The_experiment_runs_on_an_IDataView_grouped_by_its_speaker_column()
    {
        var ml = new Microsoft.ML.MLContext(0);
        var rows = emodb.Data.Items.Select((item, i) => new Row { Features = emodb.Data.Features[i], Label = item.Label, Speaker = item.Speaker }).ToArray();
        var view = ml.Data.LoadFromEnumerable(rows);
        var result = new EmotionExperiment(new ExperimentOptions { MaxTrials = 1, Folds = 5, Trainers = [TrainerKind.SdcaMaximumEntropy, TrainerKind.LightGbm], ExcludedTrainers = [TrainerKind.LightGbm] }).Run(view);
        Assert.Equal(TrainerKind.SdcaMaximumEntropy, result.Best.Config.Trainer);
        Assert.Equal(535, result.CrossValidatedMetrics.Count);
        Assert.All(result.Folds.SpeakersPerFold, s => Assert.Equal(2, s.Count));
        Assert.Throws<ArgumentException>(() => new EmotionExperiment(new ExperimentOptions { Trainers = [TrainerKind.LightGbm], ExcludedTrainers = [TrainerKind.LightGbm] }).Run(view));
    }
}
