using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;

namespace EmotionML.Training.Tests;

public sealed class FoldsAndMetricsTests
{
    [Fact]
    public void Ravdess_protocol_puts_actors_4k_plus_1_to_4k_plus_4_in_fold_k()
    {
        var speakers = Enumerable.Range(1, 20).SelectMany(a => Enumerable.Repeat($"ravdess:{a:D2}", 3)).ToArray();
        var folds = SpeakerGroupedFolds.RavdessByActor(speakers);
        Assert.Equal(5, folds.Count);
        Assert.Equal(["ravdess:09", "ravdess:10", "ravdess:11", "ravdess:12"], folds.SpeakersPerFold[2]);
        for (int k = 0; k < 5; k++)
        {
            var (train, validation) = folds.Split(k);
            Assert.Empty(train.Select(i => speakers[i]).Intersect(validation.Select(i => speakers[i])));
            Assert.Equal(12, validation.Length);
        }
    }

    [Fact]
    public void Balanced_folds_keep_speakers_whole_and_sizes_even()
    {
        var random = new Random(5);
        var speakers = Enumerable.Range(0, 300).Select(_ => $"s{random.Next(13)}").ToArray();
        var folds = SpeakerGroupedFolds.Balanced(speakers, 4, seed: 1);
        var sizes = Enumerable.Range(0, 4).Select(k => folds.Split(k).Validation.Length).ToArray();
        Assert.Equal(300, sizes.Sum());
        Assert.True(sizes.Max() - sizes.Min() <= 40, string.Join(",", sizes));
        foreach (var group in speakers.Select((s, i) => (s, i)).GroupBy(x => x.s))
        {
            Assert.Single(group.Select(x => folds.FoldOf[x.i]).Distinct());
        }

        var loso = SpeakerGroupedFolds.Balanced(speakers, 50);
        Assert.Equal(13, loso.Count);
        Assert.StartsWith("leave-one-speaker-out", loso.Description);
        Assert.Equal(folds.FoldOf, SpeakerGroupedFolds.Balanced(speakers, 4, seed: 1).FoldOf);
        Assert.Throws<ArgumentException>(() => SpeakerGroupedFolds.Balanced(["a", "a"], 2));
    }

    [Fact]
    public void Metrics_follow_their_definitions()
    {
        // truth:     a a a a b b c c c c
        // predicted: a a b c b b c c a c
        int[] truth = [0, 0, 0, 0, 1, 1, 2, 2, 2, 2];
        int[] predicted = [0, 0, 1, 2, 1, 1, 2, 2, 0, 2];
        var m = ClassificationMetrics.Compute(["a", "b", "c"], truth, predicted);
        Assert.Equal(0.7, m.Accuracy, 10);
        // a: P 2/3 R 2/4; b: P 2/3 R 2/2; c: P 3/4 R 3/4
        double f1A = 2 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5), f1B = 2 * (2.0 / 3) * 1 / (2.0 / 3 + 1), f1C = 0.75;
        Assert.Equal((f1A + f1B + f1C) / 3, m.MacroF1, 10);
        Assert.Equal((4 * f1A + 2 * f1B + 4 * f1C) / 10, m.WeightedF1, 10);
        Assert.Equal(1, m.Confusion[0, 1]);
        Assert.Equal(1, m.Confusion[2, 0]);
        Assert.Equal((2.0 / 3, 0.5, 4), (m.PerClass[0].Precision, m.PerClass[0].Recall, m.PerClass[0].Support));
    }

    [Fact]
    public void Speaker_normalisation_standardises_each_speaker_on_its_own_clips()
    {
        float[][] features = [[1, 10], [3, 10], [100, 5], [300, 7]];
        var normalised = SpeakerNormalizer.Normalize(features, ["x", "x", "y", "y"]);
        Assert.Equal([-1f, 0f], normalised[0]);
        Assert.Equal([1f, 0f], normalised[1]);
        Assert.Equal([-1f, -1f], normalised[2]);
        Assert.Equal([1f, 1f], normalised[3]);
    }
}
