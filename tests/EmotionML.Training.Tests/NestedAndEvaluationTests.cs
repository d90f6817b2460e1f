using EmotionML.Training.AutoML;
using EmotionML.Training.Corpora;
using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;

namespace EmotionML.Training.Tests;

public sealed class NestedAndEvaluationTests(EmoDbFixture emodb) : IClassFixture<EmoDbFixture>
{
    [Fact]
    public void Hyper_parameters_are_typed_and_a_misspelled_or_missing_name_is_an_error()
    {
        var values = SearchSpace.For(TrainerKind.LightGbm).ToDictionary(p => p.Name, p => p.Start);
        var parameters = Assert.IsType<LightGbmParameters>(TrainerParameters.From(TrainerKind.LightGbm, values));
        Assert.Equal(8, parameters.NumberOfLeaves);
        Assert.Equal(values, parameters.ToDictionary());

        var misspelled = values.Where(p => p.Key != "NumberOfLeaves").ToDictionary(p => p.Key, p => p.Value);
        misspelled["NumberOfLeafs"] = 64;
        Assert.Contains("NumberOfLeafs", Assert.Throws<ArgumentException>(() => TrainerParameters.From(TrainerKind.LightGbm, misspelled)).Message);
        values.Remove("LearningRate");
        Assert.Contains("LearningRate", Assert.Throws<ArgumentException>(() => TrainerParameters.From(TrainerKind.LightGbm, values)).Message);
    }

    [Fact]
    public void No_trials_is_a_clear_error_and_cancelling_before_the_first_trial_is_OperationCanceled()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmotionExperiment(new ExperimentOptions { MaxTrials = 0 }).Run(emodb.Data));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => new EmotionExperiment(new ExperimentOptions { Trainers = [TrainerKind.SdcaMaximumEntropy] }).Run(emodb.Data, cancellationToken: cancelled.Token));
    }

    [Fact]
    public void Nested_evaluation_never_learns_from_held_out_labels()
    {
        var options = new ExperimentOptions { MaxTrials = 2, Folds = 3, Trainers = [TrainerKind.SdcaMaximumEntropy], SpeakerNormalization = SpeakerNormalizationChoice.Search };
        var outer = SpeakerGroupedFolds.Balanced(emodb.Data.Speakers, 3);
        var nested = NestedEvaluation.Run(emodb.Data, options, outer);
        Assert.Equal(3, nested.Folds.Count);
        Assert.Equal(emodb.Data.Count, nested.Metrics.Count);
        Assert.InRange(nested.Metrics.Accuracy, 0.4, 1.0);
        // Calibration and the domain check are measured on the outer held-out speakers too.
        var confidence = Assert.IsType<NestedConfidence>(nested.Confidence);
        Assert.InRange(confidence.EceBefore, 0, 1);
        Assert.True(confidence.NllAfter <= confidence.NllBefore + 0.05, $"NLL {confidence.NllBefore:F3} -> {confidence.NllAfter:F3}");
        Assert.InRange(confidence.InDomainShare!.Value, 0.75, 1.0);

        // Scramble the labels of outer fold 0's speakers: if any of their labels reached training, the search, the
        // normalisation prior or anything else, fold 0's predictions would move. They must not move at all.
        var (_, heldOut) = outer.Split(0);
        var held = heldOut.ToHashSet();
        var labels = emodb.Data.Labels;
        var items = emodb.Data.Items.Select((item, i) => held.Contains(i) ? item with { Label = labels[(Array.IndexOf(labels.ToArray(), item.Label) + 1) % labels.Count] } : item).ToArray();
        var scrambled = new EmotionDataset(emodb.Data.Corpus, emodb.Data.Schema, items, emodb.Data.Features, [], 0, labels);
        var again = NestedEvaluation.Run(scrambled, options, outer);
        Assert.All(heldOut, i => Assert.Equal(nested.Predictions[i], again.Predictions[i]));
        // ...while the scores on that fold see the scrambled truth.
        Assert.True(again.Folds[0].Metrics.Accuracy < nested.Folds[0].Metrics.Accuracy);

        // The cross-fitted calibration: fold 0's temperature is fitted on the other folds' held-out predictions only,
        // so scrambling fold 0's labels in its input leaves it exactly as it was (the other folds' change), while the
        // pooled fit (every clip) sees them.
        var fit = Assert.IsType<NestedCalibration>(confidence.CrossFitted);
        Assert.Equal([0, 1, 2], fit.FoldTemperatures.Keys);
        var scrambledTruth = Enumerable.Range(0, emodb.Data.Count).Select(i => held.Contains(i) ? (emodb.Data.LabelIndex[i] + 1) % labels.Count : emodb.Data.LabelIndex[i]).ToArray();
        var fitScrambled = Assert.IsType<NestedCalibration>(NestedCalibration.Fit(nested.RawProbabilities, scrambledTruth, nested.OuterFoldOf));
        Assert.Equal(fit.FoldTemperatures[0], fitScrambled.FoldTemperatures[0]);
        Assert.NotEqual(fit.FoldTemperatures[1], fitScrambled.FoldTemperatures[1]);
        Assert.NotEqual(fit.Pooled.Temperature, fitScrambled.Pooled.Temperature);
        Assert.Null(NestedCalibration.Fit(nested.RawProbabilities, emodb.Data.LabelIndex, new int[emodb.Data.Count]));
        var others = Enumerable.Range(0, emodb.Data.Count).Where(i => !held.Contains(i)).ToArray();
        Assert.Equal(CalibrationMetrics.FitTemperature(others.Select(i => nested.RawProbabilities[i]).ToArray(), others.Select(i => emodb.Data.LabelIndex[i]).ToArray()), fit.FoldTemperatures[0], 9);
        Assert.Equal(CalibrationMetrics.ExpectedCalibrationError(fit.Calibrated, emodb.Data.LabelIndex), fit.Ece, 12);

        // Described as the shipped calibration: the after-figures become the cross-fitted ones; predictions stay.
        var shipped = nested.CalibrateOnNested();
        Assert.True(shipped.CalibratedOnNested);
        Assert.Equal(fit.Ece, shipped.Confidence!.EceAfter);
        Assert.Equal(confidence.EceBefore, shipped.Confidence.EceBefore);
        Assert.Equal(nested.Predictions, shipped.Probabilities.Select(EmotionModel.ArgMax));
        Assert.Equal(fit.Calibrated, shipped.Probabilities);
    }

    [Fact]
    public void A_result_calibrated_on_its_nested_evaluation_ships_the_pooled_temperature_and_predicts_the_same_labels()
    {
        var options = new ExperimentOptions { MaxTrials = 1, Folds = 3, Trainers = [TrainerKind.SdcaMaximumEntropy], SpeakerNormalization = SpeakerNormalizationChoice.Never };
        var outer = SpeakerGroupedFolds.Balanced(emodb.Data.Speakers, 3);
        var result = new EmotionExperiment(options).Run(emodb.Data);
        var nested = NestedEvaluation.Run(emodb.Data, options, outer);
        var before = result.Model.PredictProbabilities(emodb.Data.Features.Take(40).ToArray());
        double searchTemperature = result.Model.Calibration!.Temperature;
        var (recalibrated, described) = result.CalibrateOnNested(nested);
        using var model = recalibrated.Model;
        Assert.True(recalibrated.CalibratedOnNested);
        Assert.True(described.CalibratedOnNested);
        Assert.Equal(nested.Confidence!.CrossFitted!.Pooled.Temperature, model.Calibration!.Temperature);
        Assert.NotEqual(searchTemperature, model.Calibration.Temperature);
        var after = model.PredictProbabilities(emodb.Data.Features.Take(40).ToArray());
        Assert.Equal(before.Select(EmotionModel.ArgMax), after.Select(EmotionModel.ArgMax));

        // The bundle records where the temperature came from, and loads with it.
        var report = Path.Combine(Directory.CreateTempSubdirectory("emotionml-nestedcal-").FullName, "m.emlmodel");
        try
        {
            var bundle = BundleWriter.Create(recalibrated, emodb.Data, "emodb", Features.FeatureOptions.Default, described);
            Assert.Equal(described.Confidence!.EceAfter, bundle.Manifest.Validation.Nested!.EceAfter!.Value, 6);
            BundleWriter.WriteReport(report, recalibrated, emodb.Data, described);
            var md = File.ReadAllText(Path.Combine(BundleWriter.ReportDirectory(report), "report.md"));
            Assert.Contains("nested evaluation's raw held-out predictions", md);
            Assert.Contains("cross-fitted", md);
            var csv = File.ReadAllLines(Path.Combine(BundleWriter.ReportDirectory(report), BundleWriter.NestedPredictionsFile));
            var header = csv[0].Split(',');
            int raw0 = Array.IndexOf(header, "raw:" + emodb.Data.Labels[0]);
            Assert.True(raw0 > 0);
            var raw = csv.Skip(1).Select(r => r.Split(',').Skip(raw0).Take(emodb.Data.Labels.Count).Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
            Assert.Equal(model.Calibration.Temperature, CalibrationMetrics.FitTemperature(raw, emodb.Data.LabelIndex), 4);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(report)!, recursive: true);
        }
    }

    [Fact]
    public void The_evaluator_scores_held_out_speakers_through_the_model_with_enrolment_profiles()
    {
        var train = Enumerable.Range(0, emodb.Data.Count).Where(i => emodb.Data.Items[i].Speaker is not ("emodb:15" or "emodb:16")).ToArray();
        var test = Enumerable.Range(0, emodb.Data.Count).Except(train).ToArray();
        var result = new EmotionExperiment(new ExperimentOptions { MaxTrials = 1, Folds = 4, Trainers = [TrainerKind.LbfgsMaximumEntropy], SpeakerNormalization = SpeakerNormalizationChoice.Always }).Run(emodb.Data.Subset(train));
        var bundle = ModelBundle.Load(SaveToStream(BundleWriter.Create(result, emodb.Data.Subset(train), "emodb", Features.FeatureOptions.Default)));
        using var model = EmotionModel.Load(bundle);
        Assert.True(model.RequiresSpeakerProfile);
        var evaluation = ModelEvaluator.Evaluate(model, emodb.Data.Subset(test), enrolmentClips: 8);
        Assert.Empty(evaluation.SpeakersAlsoInTraining);
        Assert.Equal(test.Length, evaluation.Clips);
        Assert.Equal(8, evaluation.EnrolmentClips);
        Assert.Equal([4, 8, 16, 0], evaluation.Enrolment.Select(p => p.Clips));
        Assert.InRange(evaluation.Metrics.Accuracy, 0.4, 1.0);
        // Evaluating on the training speakers is flagged.
        Assert.Equal(8, ModelEvaluator.Evaluate(model, emodb.Data.Subset(train)).SpeakersAlsoInTraining.Count);
    }

    private static MemoryStream SaveToStream(ModelBundle bundle)
    {
        var stream = new MemoryStream();
        bundle.Save(stream);
        stream.Position = 0;
        return stream;
    }
}
