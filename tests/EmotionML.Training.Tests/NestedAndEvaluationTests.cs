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
