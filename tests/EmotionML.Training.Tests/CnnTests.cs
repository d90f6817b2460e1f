using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using EmotionML.Audio;
using EmotionML.Features;
using EmotionML.TestData;
using EmotionML.Training.AutoML;
using EmotionML.Training.Cnn;
using EmotionML.Training.Corpora;
using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;

namespace EmotionML.Training.Tests;

/// <summary>
/// The CI smoke run of the CNN path on real RAVDESS clips: export log-mel tensors, train in PyTorch (one epoch, few
/// clips), export ONNX, import through ML.NET, compare with PyTorch, blend, bundle, predict.
/// </summary>
public sealed class CnnFixture : IDisposable
{
    public CnnFixture()
    {
        Root = Directory.CreateTempSubdirectory("emotionml-cnn-").FullName;
        var all = CorpusReader.Read(SharedData.RavdessDir, CorpusFormat.Ravdess);
        // Actors 01-06, 8 clips each, spread over the emotions.
        var items = all.Items.Where(i => string.CompareOrdinal(i.Speaker, "ravdess:06") <= 0).GroupBy(i => i.Speaker)
            .SelectMany(g => g.OrderBy(i => i.Path, StringComparer.Ordinal).Where((_, k) => k % 7 == 0).Take(8)).ToArray();
        Corpus = new Corpus(all.Name, items, [], all.Labels);
        Data = EmotionDataset.Build(Corpus, new SpeechFeatureExtractor(), new FeatureCache(Path.Combine(Root, "features")));
        LogMel = LogMelCorpus.Build(Corpus);
        Options = new CnnTrainingOptions { Epochs = 1, ClipLimit = 24, Threads = 2, CacheDirectory = Path.Combine(Root, "cnn") };
        Trained = new CnnTrainer(Options).Train(LogMel, ["ravdess:01", "ravdess:02", "ravdess:03"], ["ravdess:04"], ["ravdess:05", "ravdess:06"]);
    }

    public string Root { get; }

    public Corpus Corpus { get; }

    public EmotionDataset Data { get; }

    public LogMelCorpus LogMel { get; }

    public CnnTrainingOptions Options { get; }

    public CnnTrainingResult Trained { get; }

    public string OnnxPath => Path.Combine(Trained.Folder, "model.onnx");

    public void Dispose()
    {
        Trained.Model.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}

public sealed class CnnTests(CnnFixture fx) : IClassFixture<CnnFixture>
{
    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    public void PyTorch_and_the_ONNX_import_through_MLNET_give_the_same_probabilities(int? testCrops)
    {
        // The same tensors (float32 export) scored by the PyTorch checkpoint and by the imported ONNX graph, test-time
        // crops averaged on both sides: the sidecar's count (3), or one crop asked for at load.
        string npz = Path.Combine(fx.Root, $"score-{testCrops}.npz");
        fx.LogMel.Save(npz, halfPrecision: false);
        string output = Path.Combine(fx.Root, $"torch-{testCrops}.json");
        var scripts = new CnnTrainer(fx.Options).Scripts();
        RunPython(Path.Combine(scripts, "score_cnn.py"), "--model", Path.Combine(fx.Trained.Folder, "model.pt"), "--data", npz, "--out", output,
            "--test-crops", (testCrops ?? fx.Trained.Model.Sidecar.TestCrops).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var torch = JsonNode.Parse(File.ReadAllText(output))!["probabilities"]!.AsArray();
        Assert.Equal(fx.LogMel.Items.Count, torch.Count);
        using var model = CnnModel.Load(File.ReadAllBytes(fx.OnnxPath), File.ReadAllBytes(Path.ChangeExtension(fx.OnnxPath, ".json")), testCrops);
        Assert.Equal(testCrops ?? 3, model.TestCrops);
        double worst = 0;
        for (int i = 0; i < torch.Count; i++)
        {
            var mine = model.Predict(fx.LogMel.Spectrograms[i]);
            var theirs = torch[i]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            Assert.Equal(theirs.Length, mine.Length);
            worst = Math.Max(worst, mine.Select((v, j) => Math.Abs(v - theirs[j])).Max());
        }

        Assert.True(worst <= 1e-4, $"largest difference {worst}");
        // Several clips are longer than one crop, so the crops logic was compared too.
        Assert.Contains(fx.LogMel.Spectrograms, s => s.Frames > fx.Trained.Model.Sidecar.Frames);
    }

    [Fact]
    public void The_sidecar_records_the_data_speakers_and_settings_and_the_cache_reuses_only_an_identical_request()
    {
        var sidecar = fx.Trained.Model.Sidecar;
        Assert.Equal(fx.LogMel.Labels, sidecar.Labels);
        Assert.Equal(LogMelFeatureOptions.Default.Fingerprint, sidecar.LogMel.Fingerprint);
        var training = sidecar.Training!;
        Assert.Equal(["ravdess:01", "ravdess:02", "ravdess:03"], training["trainSpeakers"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["ravdess:05", "ravdess:06"], training["excludedSpeakers"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(24, training["clips"]!.GetValue<int>());

        var again = new CnnTrainer(fx.Options).Train(fx.LogMel, ["ravdess:03", "ravdess:02", "ravdess:01"], ["ravdess:04"], ["ravdess:05", "ravdess:06"]);
        using (again.Model)
        {
            Assert.True(again.Reused);
            Assert.Equal(fx.Trained.Folder, again.Folder);
        }

        var other = new CnnTrainer(fx.Options with { Seed = 1 }).Train(fx.LogMel, ["ravdess:01", "ravdess:02", "ravdess:03"], ["ravdess:04"], []);
        using (other.Model)
        {
            Assert.False(other.Reused);
            Assert.NotEqual(fx.Trained.Folder, other.Folder);
        }

        // The frequency warp is part of the request: a warped CNN is trained anew, records its warp, and is reused
        // only by a request with the same warp.
        Assert.Equal(0.0, training["warp"]!.GetValue<double>());
        var warped = new CnnTrainer(fx.Options with { Warp = 0.1 }).Train(fx.LogMel, ["ravdess:01", "ravdess:02", "ravdess:03"], ["ravdess:04"], ["ravdess:05", "ravdess:06"]);
        using (warped.Model)
        {
            Assert.False(warped.Reused);
            Assert.Equal(0.1, warped.Model.Sidecar.Training!["warp"]!.GetValue<double>());
        }

        var warpedAgain = new CnnTrainer(fx.Options with { Warp = 0.1 }).Train(fx.LogMel, ["ravdess:01", "ravdess:02", "ravdess:03"], ["ravdess:04"], ["ravdess:05", "ravdess:06"]);
        using (warpedAgain.Model)
        {
            Assert.True(warpedAgain.Reused);
            Assert.Equal(warped.Folder, warpedAgain.Folder);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => new CnnTrainer(fx.Options with { Warp = 0.5 }));
    }

    [Fact]
    public void The_frequency_warp_moves_a_band_s_content_up_or_down_and_leaves_it_alone_at_factor_one()
    {
        // warp_bands on a log-mel with one lit band (at about 1.9 kHz): factor 1 changes nothing, 1.1 moves the
        // content to higher bands, 0.9 to lower ones, and the total stays close (interpolation between neighbours).
        var scripts = new CnnTrainer(fx.Options).Scripts();
        string output = RunPythonCode(scripts, """
            import numpy as np, emotion_cnn as ec
            x = np.zeros((64, 4), np.float32); x[30] = 1
            def centre(y): return float((y[:, 0] * np.arange(64)).sum() / y[:, 0].sum())
            same = float(np.abs(ec.warp_bands(x, 1.0, 16000) - x).max())
            up, down = ec.warp_bands(x, 1.1, 16000), ec.warp_bands(x, 0.9, 16000)
            print(same, centre(up), centre(down), float(up[:, 0].sum()), float(down[:, 0].sum()), up.dtype)
            """);
        var v = output.Trim().Split(' ');
        Assert.Equal(0.0, double.Parse(v[0], System.Globalization.CultureInfo.InvariantCulture));
        double up = double.Parse(v[1], System.Globalization.CultureInfo.InvariantCulture), down = double.Parse(v[2], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(up, 31, 33);
        Assert.InRange(down, 27, 29);
        Assert.InRange(double.Parse(v[3], System.Globalization.CultureInfo.InvariantCulture), 0.7, 1.3);
        Assert.InRange(double.Parse(v[4], System.Globalization.CultureInfo.InvariantCulture), 0.7, 1.3);
        Assert.Equal("float32", v[5]);
    }

    [Theory]
    [InlineData("input name")]
    [InlineData("frames")]
    [InlineData("labels")]
    [InlineData("fingerprint")]
    [InlineData("mel bands")]
    [InlineData("format")]
    [InlineData("truncated graph")]
    [InlineData("not json")]
    public void A_graph_and_sidecar_that_disagree_are_a_ModelBundleException(string damage)
    {
        var onnx = File.ReadAllBytes(fx.OnnxPath);
        var json = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(fx.OnnxPath, ".json")))!.AsObject();
        switch (damage)
        {
            case "input name": json["input"]!["name"] = "spectrogram"; break;
            case "frames": json["input"]!["shape"]![3] = 200; break;
            case "labels": json["labels"]!.AsArray().RemoveAt(0); break;
            case "fingerprint": json["logMel"]!["fingerprint"] = "0123456789abcdef"; break;
            case "mel bands": json["logMel"]!["melBands"] = 40; json["input"]!["shape"]![2] = 40; break;
            case "format": json["formatVersion"] = 2; break;
            case "truncated graph": onnx = onnx[..(onnx.Length / 2)]; break;
        }

        var sidecar = damage == "not json" ? "{\"format\": "u8.ToArray() : System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
        var ex = Assert.Throws<ModelBundleException>(() => CnnModel.Load(onnx, sidecar));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Evaluating_a_blend_scores_each_clip_with_its_log_mel_and_asks_for_them_when_missing()
    {
        var result = new EmotionExperiment(new ExperimentOptions { MaxTrials = 1, Folds = 3, Trainers = [TrainerKind.LbfgsMaximumEntropy], SpeakerNormalization = SpeakerNormalizationChoice.Never }).Run(fx.Data);
        using var tree = result.Model;
        using var blend = tree.WithCnn(CnnModel.Load(fx.OnnxPath), 0.5, null);
        Assert.Contains("log-mel", Assert.Throws<ArgumentException>(() => ModelEvaluator.Evaluate(blend, fx.Data)).Message);

        var data = fx.Data.WithLogMel(fx.LogMel);
        var evaluation = ModelEvaluator.Evaluate(blend, data);
        Assert.Equal(data.Count, evaluation.Clips);
        // The evaluator's confusion matrix is the model's own predictions, clip by clip.
        var expected = Enumerable.Range(0, data.Count).Select(i => EmotionModel.ArgMax(blend.Predict(data.Features[i], (LogMelSpectrogram)data.LogMel!.Spectrograms[i]).Probabilities)).ToArray();
        var direct = ClassificationMetrics.Compute(data.Labels, data.LabelIndex, expected);
        Assert.Equal(direct.Accuracy, evaluation.Metrics.Accuracy, 9);
        Assert.Equal(direct.Confusion, evaluation.Metrics.Confusion);
    }

    [Fact]
    public void A_blend_and_a_CNN_alone_survive_a_bundle_and_the_engine_predicts_what_the_model_computes()
    {
        var result = new EmotionExperiment(new ExperimentOptions { MaxTrials = 1, Folds = 3, Trainers = [TrainerKind.LbfgsMaximumEntropy], SpeakerNormalization = SpeakerNormalizationChoice.Never }).Run(fx.Data);
        using var tree = result.Model;
        using var blend = tree.WithCnn(CnnModel.Load(fx.OnnxPath), 0.4, new ProbabilityCalibration { Temperature = 1.3 });
        using var cnnOnly = EmotionModel.FromCnn(CnnModel.Load(fx.OnnxPath));
        var clip = fx.Corpus.Items[5].Path;
        var decoded = new AudioDecoder().Decode(clip);
        var features = new SpeechFeatureExtractor().Extract(decoded).Values;
        var logMel = blend.Cnn!.LogMel.Extract(decoded);

        foreach (var (model, weight) in new[] { (blend, 0.4), (cnnOnly, 1.0) })
        {
            using var buffer = new MemoryStream();
            ModelBundle.Create(model, new ModelManifest()).Save(buffer);
            buffer.Position = 0;
            using var engine = EmotionEngine.Load(buffer);
            Assert.Equal(ModelManifest.CurrentFormatVersion, engine.Bundle.Manifest.FormatVersion);
            Assert.Equal(weight, engine.Bundle.Manifest.Cnn!.Weight);
            Assert.True(engine.Model.RequiresLogMel);
            using var audio = File.OpenRead(clip);
            var predicted = engine.Predict(audio);
            var expected = model.Predict(features, logMel).Probabilities;
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], predicted.Scores[model.Labels[i]], 5);
            }
        }

        // The blend is what it says: 0.6 tree (before the tree's own calibration) + 0.4 CNN, then the blend's temperature.
        var treeP = tree.PredictUncalibrated([features])[0];
        var cnnP = fx.Trained.Model.Predict(logMel);
        var mixed = tree.Labels.Select((l, i) => 0.6 * treeP[i] + 0.4 * cnnP[fx.Trained.Model.Labels.ToList().IndexOf(l)]).ToArray();
        var scaled = mixed.Select(p => Math.Exp(Math.Log(p) / 1.3)).ToArray();
        var blendP = blend.Predict(features, logMel).Probabilities;
        for (int i = 0; i < blendP.Length; i++)
        {
            Assert.Equal(scaled[i] / scaled.Sum(), blendP[i], 4);
        }

        // Without the log-mel, a CNN model refuses rather than answering with the tree alone.
        Assert.Contains("log-mel", Assert.Throws<InvalidOperationException>(() => blend.Predict(features)).Message);
    }

    [Fact]
    public void CNN_probabilities_come_in_the_label_order_asked_for()
    {
        var cnn = fx.Trained.Model;
        var spectrogram = fx.LogMel.Spectrograms[0];
        var own = cnn.Predict(spectrogram);
        var reversed = cnn.Labels.Reverse().ToArray();
        var inReverse = cnn.Predict(spectrogram, reversed);
        Assert.Equal(reversed.Length, inReverse.Length);
        for (int i = 0; i < reversed.Length; i++)
        {
            Assert.Equal(own[cnn.Labels.Count - 1 - i], inReverse[i], 1e-6f);
        }

        Assert.Contains("boredom", Assert.Throws<ArgumentException>(() => cnn.Predict(spectrogram, [cnn.Labels[0], "boredom"])).Message);
    }

    [Fact]
    public void Concurrent_CNN_predictions_equal_sequential_ones()
    {
        var cnn = fx.Trained.Model;
        var expected = fx.LogMel.Spectrograms.Select(cnn.Predict).ToArray();
        var results = new float[8][][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
            results[t] = fx.LogMel.Spectrograms.Select(cnn.Predict).ToArray());
        // ONNX Runtime does not promise bit-identical sums from run to run, concurrent or not (its kernels' summation
        // order follows the input buffer's alignment; last-bit differences were seen): equal far below anything a
        // label or a confidence shows, not bit for bit.
        foreach (var r in results)
        {
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i].Length, r[i].Length);
                Assert.All(expected[i].Zip(r[i]), p => Assert.Equal(p.First, p.Second, 1e-6f));
            }
        }
    }

    [Fact]
    public void The_experiment_trains_the_CNN_without_held_out_speakers_and_nested_evaluation_reports_each_family()
    {
        var data = fx.Data.WithLogMel(fx.LogMel);
        var options = new ExperimentOptions { MaxTrials = 1, Folds = 2, Trainers = [TrainerKind.LbfgsMaximumEntropy], SpeakerNormalization = SpeakerNormalizationChoice.Never, Cnn = fx.Options };
        var outer = SpeakerGroupedFolds.FromMap(data.Speakers, data.Speakers.Distinct().ToDictionary(s => s, s => string.CompareOrdinal(s, "ravdess:03") <= 0 ? 0 : 1), "actors 01-03 | 04-06");
        var nested = NestedEvaluation.Run(data, options, outer);
        Assert.NotNull(nested.Families);
        Assert.Equal(nested.Metrics.Accuracy, nested.Families!["chosen"].Accuracy);
        // The per-clip components are what the family figures were computed from.
        var truth = data.LabelIndex;
        double Accuracy(IReadOnlyList<float[]> p) => Enumerable.Range(0, truth.Length).Count(i => EmotionModel.ArgMax(p[i]) == truth[i]) / (double)truth.Length;
        Assert.Equal(nested.Families["cnn"].Accuracy, Accuracy(nested.CnnProbabilities!), 9);
        Assert.Equal(nested.Metrics.Accuracy, Accuracy(nested.Probabilities), 9);
        Assert.Equal(nested.Families["tree"].Accuracy, Accuracy(nested.TreeProbabilities!), 9);
        Assert.All(nested.Folds, f => Assert.InRange(f.CnnWeight!.Value, 0, 1));
        // Every fold's CNN: trained only on its training speakers minus the selection speaker, the held-out ones recorded as excluded.
        var sidecars = Directory.GetDirectories(Path.Combine(fx.Options.CacheDirectory, "models"))
            .Select(d => JsonNode.Parse(File.ReadAllText(Path.Combine(d, "model.json")))!["training"]!).ToArray();
        for (int k = 0; k < 2; k++)
        {
            var held = outer.SpeakersPerFold[k];
            var fold = sidecars.Single(t => t["excludedSpeakers"]!.AsArray().Select(n => n!.GetValue<string>()).SequenceEqual(held));
            var train = fold["trainSpeakers"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
            var selection = fold["validationSpeakers"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
            Assert.Empty(train.Intersect(held));
            Assert.Empty(selection.Intersect(held));
            Assert.Equal(3, train.Length + selection.Length);
        }

        var result = new EmotionExperiment(options).Run(data);
        using var model = result.Model;
        Assert.Equal(11, result.Cnn!.WeightScores.Count);
        Assert.Equal(result.Cnn.Weight > 0, model.RequiresLogMel);
        Assert.Equal(CnnTrainer.SelectionSpeakers(data.Speakers, 3), result.Cnn.SelectionSpeakers);
    }

    [Fact]
    public void A_refit_trains_the_CNN_again_on_all_training_speakers_and_the_model_holds_that_one()
    {
        var data = fx.Data.WithLogMel(fx.LogMel);
        var train = data.Speakers.Distinct().Where(s => string.CompareOrdinal(s, "ravdess:05") < 0).ToHashSet();
        var subset = data.Subset(Enumerable.Range(0, data.Count).Where(i => train.Contains(data.Items[i].Speaker)).ToArray());
        var options = new ExperimentOptions { MaxTrials = 1, Folds = 2, Trainers = [TrainerKind.LbfgsMaximumEntropy], SpeakerNormalization = SpeakerNormalizationChoice.Never, Cnn = fx.Options with { Refit = true, Seed = 3 } };
        var result = new EmotionExperiment(options).Run(subset);
        using var model = result.Model;
        var blend = result.Cnn!;
        Assert.True(blend.Refit);
        Assert.NotEqual(blend.SelectionCnnFolder, blend.CnnFolder);
        JsonNode Training(string folder) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model.json")))!["training"]!;
        string[] Names(JsonNode t, string key) => t[key]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        // The CNN that chose the weight left the selection speakers out; the refitted one trained on all four, and
        // neither touched actors 05-06, which the experiment was not given.
        var chooser = Training(blend.SelectionCnnFolder);
        Assert.Equal(blend.SelectionSpeakers, Names(chooser, "validationSpeakers"));
        Assert.Empty(Names(chooser, "trainSpeakers").Intersect(blend.SelectionSpeakers));
        Assert.Equal(["ravdess:05", "ravdess:06"], Names(chooser, "excludedSpeakers"));
        var refit = Training(blend.CnnFolder);
        Assert.Equal(train.Order(StringComparer.Ordinal), Names(refit, "trainSpeakers"));
        Assert.Empty(Names(refit, "validationSpeakers"));
        Assert.Equal(["ravdess:05", "ravdess:06"], Names(refit, "excludedSpeakers"));
        Assert.Equal(blend.Weight > 0, model.RequiresLogMel);
        if (blend.Weight > 0)
        {
            // The blend holds the refitted CNN, not the one that chose the weight.
            using var cnn = CnnModel.Load(Path.Combine(blend.CnnFolder, "model.onnx"));
            var clip = fx.LogMel.Spectrograms[0];
            Assert.Equal(cnn.Predict(clip, data.Labels), model.Cnn!.Predict(clip, data.Labels));
            using var chooserCnn = CnnModel.Load(Path.Combine(blend.SelectionCnnFolder, "model.onnx"));
            Assert.NotEqual(chooserCnn.Predict(clip, data.Labels), model.Cnn.Predict(clip, data.Labels));
        }
    }

    [Fact]
    public void A_seed_ensemble_averages_its_members_each_trained_and_cached_on_its_own()
    {
        string[] train = ["ravdess:01", "ravdess:02", "ravdess:03"], validation = ["ravdess:04"], excluded = ["ravdess:05", "ravdess:06"];
        var ensemble = new CnnTrainer(fx.Options with { Seeds = 2 }).Train(fx.LogMel, train, validation, excluded);
        using (ensemble.Model)
        {
            // Seed 0 is the fixture's net (reused), seed 1 trained (or reused) on its own; the ensemble is a model of its own.
            Assert.False(ensemble.Reused);
            Assert.NotEqual(fx.Trained.Folder, ensemble.Folder);
            var record = ensemble.Model.Sidecar.Training!;
            Assert.Equal(2, record["seeds"]!.GetValue<int>());
            Assert.Equal([0, 1], record["members"]!.AsArray().Select(m => m!["seed"]!.GetValue<int>()));

            var second = new CnnTrainer(fx.Options with { Seed = 1 }).Train(fx.LogMel, train, validation, excluded);
            using (second.Model)
            {
                Assert.True(second.Reused);
                foreach (var clip in fx.LogMel.Spectrograms.Take(6))
                {
                    var a = fx.Trained.Model.Predict(clip);
                    var b = second.Model.Predict(clip);
                    var mean = ensemble.Model.Predict(clip);
                    for (int j = 0; j < mean.Length; j++)
                    {
                        Assert.Equal((a[j] + b[j]) / 2, mean[j], 1e-5);
                    }
                }
            }
        }

        var again = new CnnTrainer(fx.Options with { Seeds = 2 }).Train(fx.LogMel, train, validation, excluded);
        using (again.Model)
        {
            Assert.True(again.Reused);
            Assert.Equal(ensemble.Folder, again.Folder);
        }

        // A one-seed request never takes the ensemble that shares its seed.
        var single = new CnnTrainer(fx.Options).Train(fx.LogMel, train, validation, excluded);
        using (single.Model)
        {
            Assert.Equal(fx.Trained.Folder, single.Folder);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => new CnnTrainer(fx.Options with { Seeds = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CnnTrainer(fx.Options with { Seeds = CnnTrainingOptions.MaxSeeds + 1 }));
    }

    [Fact]
    public void Another_crop_count_reuses_the_trained_net_instead_of_training_again()
    {
        string[] train = ["ravdess:01", "ravdess:02", "ravdess:03"], validation = ["ravdess:04"], excluded = ["ravdess:05", "ravdess:06"];
        var one = new CnnTrainer(fx.Options with { TestCrops = 1 }).Train(fx.LogMel, train, validation, excluded);
        using (one.Model)
        {
            Assert.True(one.Reused);
            Assert.NotEqual(fx.Trained.Folder, one.Folder);
            Assert.Equal(1, one.Model.TestCrops);
            // The same net: its training record (training time included) is the fixture's, and it scores a clip as the
            // fixture's net does when told to use one crop.
            JsonNode Record(string folder) => JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model.json")))!["training"]!;
            Assert.Equal(Record(fx.Trained.Folder).ToJsonString(), Record(one.Folder).ToJsonString());
            using var fixtureOneCrop = CnnModel.Load(File.ReadAllBytes(fx.OnnxPath), File.ReadAllBytes(Path.Combine(fx.Trained.Folder, "model.json")), 1);
            foreach (var clip in fx.LogMel.Spectrograms.Take(4))
            {
                var expected = fixtureOneCrop.Predict(clip);
                var actual = one.Model.Predict(clip);
                for (int j = 0; j < expected.Length; j++)
                {
                    Assert.Equal(expected[j], actual[j], 1e-6);
                }
            }
        }

        // The copy is cached under its own request: asked again, it is found as it is.
        var again = new CnnTrainer(fx.Options with { TestCrops = 1 }).Train(fx.LogMel, train, validation, excluded);
        using (again.Model)
        {
            Assert.Equal(one.Folder, again.Folder);
        }
    }

    [Fact]
    public void Compact_plus_wide_averages_one_net_of_each_width()
    {
        string[] train = ["ravdess:01", "ravdess:02", "ravdess:03"], validation = ["ravdess:04"], excluded = ["ravdess:05", "ravdess:06"];
        var both = new CnnTrainer(fx.Options with { Width = "compact+wide" }).Train(fx.LogMel, train, validation, excluded);
        using (both.Model)
        {
            var record = both.Model.Sidecar.Training!;
            Assert.Equal("compact+wide", record["width"]!.GetValue<string>());
            Assert.Equal(1, record["seeds"]!.GetValue<int>());
            Assert.Equal(["compact", "wide"], record["members"]!.AsArray().Select(m => m!["width"]!.GetValue<string>()));

            // The compact member is the fixture's net (same request); the wide one is cached under its own request.
            var wide = new CnnTrainer(fx.Options with { Width = "wide" }).Train(fx.LogMel, train, validation, excluded);
            using (wide.Model)
            {
                Assert.True(wide.Reused);
                Assert.Equal("wide", wide.Model.Sidecar.Training!["width"]!.GetValue<string>());
                foreach (var clip in fx.LogMel.Spectrograms.Take(6))
                {
                    var a = fx.Trained.Model.Predict(clip);
                    var b = wide.Model.Predict(clip);
                    var mean = both.Model.Predict(clip);
                    for (int j = 0; j < mean.Length; j++)
                    {
                        Assert.Equal((a[j] + b[j]) / 2, mean[j], 1e-5);
                    }
                }
            }
        }

        // Neither single width takes the pair, and an unknown width is refused.
        var single = new CnnTrainer(fx.Options).Train(fx.LogMel, train, validation, excluded);
        using (single.Model)
        {
            Assert.Equal(fx.Trained.Folder, single.Folder);
        }

        Assert.Throws<ArgumentException>(() => new CnnTrainer(fx.Options with { Width = "wide+compact" }));
    }

    [Fact]
    public void A_sidecar_from_before_precision_and_seeds_were_recorded_counts_as_float32_and_one_seed()
    {
        string[] train = ["ravdess:01", "ravdess:02", "ravdess:03"], validation = ["ravdess:04"], excluded = ["ravdess:05", "ravdess:06"];
        var options = fx.Options with { CacheDirectory = Path.Combine(fx.Root, "cnn-legacy") };
        string legacy = Path.Combine(options.CacheDirectory, "models", "legacy");
        Directory.CreateDirectory(legacy);
        foreach (var file in Directory.GetFiles(fx.Trained.Folder))
        {
            File.Copy(file, Path.Combine(legacy, Path.GetFileName(file)));
        }

        var sidecar = JsonNode.Parse(File.ReadAllText(Path.Combine(legacy, "model.json")))!;
        Assert.Equal("fp32", sidecar["training"]!["precision"]!.GetValue<string>());
        sidecar["training"]!.AsObject().Remove("precision");
        sidecar["training"]!.AsObject().Remove("seeds");
        File.WriteAllText(Path.Combine(legacy, "model.json"), sidecar.ToJsonString());

        var reused = new CnnTrainer(options).Train(fx.LogMel, train, validation, excluded);
        using (reused.Model)
        {
            Assert.True(reused.Reused);
            Assert.Equal(legacy, reused.Folder);
        }

        var bf16 = new CnnTrainer(options with { Precision = "bf16" }).Train(fx.LogMel, train, validation, excluded);
        using (bf16.Model)
        {
            Assert.False(bf16.Reused);
            Assert.Equal("bf16", bf16.Model.Sidecar.Training!["precision"]!.GetValue<string>());
        }

        Assert.Equal(CnnTrainingOptions.CpuHasNativeBFloat16() ? "bf16" : "fp32", (options with { Precision = "auto" }).ResolvedPrecision);
        Assert.Throws<ArgumentException>(() => new CnnTrainer(options with { Precision = "fp16" }));
    }

    [Fact]
    public void Without_python_and_torch_training_says_what_to_install()
    {
        var trainer = new CnnTrainer(fx.Options with { Python = "/nonexistent/python3", Seed = 7 });
        var ex = Assert.Throws<CnnTrainingException>(() => trainer.Train(fx.LogMel, ["ravdess:01", "ravdess:02"], [], []));
        Assert.Contains("python3-torch", ex.Message);
    }

    [Fact]
    public void Selection_speakers_are_spread_over_the_sorted_speakers()
    {
        var actors = Enumerable.Range(5, 16).Select(a => $"ravdess:{a:D2}").ToArray();
        Assert.Equal(["ravdess:07", "ravdess:13", "ravdess:18"], CnnTrainer.SelectionSpeakers(actors, 3));
        Assert.Equal(["ravdess:02"], CnnTrainer.SelectionSpeakers(["ravdess:01", "ravdess:02", "ravdess:03"], 3));
        Assert.Empty(CnnTrainer.SelectionSpeakers(["a", "b"], 3));
    }

    private static void RunPython(params string[] args) => RunPythonIn(null, args);

    /// <summary>Runs a Python snippet in <paramref name="folder"/> (so it imports the trainer's modules); its output.</summary>
    private static string RunPythonCode(string folder, string code) => RunPythonIn(folder, "-c", code.Replace("\r", ""));

    private static string RunPythonIn(string? folder, params string[] args)
    {
        var info = new ProcessStartInfo(new CnnTrainingOptions().Python) { RedirectStandardError = true, RedirectStandardOutput = true };
        if (folder is not null)
        {
            info.WorkingDirectory = folder;
        }

        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
        return output.Result;
    }
}
