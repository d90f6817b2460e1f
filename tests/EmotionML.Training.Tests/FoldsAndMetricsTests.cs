using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;
using EmotionML;

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
    public void Speaker_normalisation_shrinks_a_few_clips_toward_the_training_speakers()
    {
        // Two training speakers: means 2 and 200 in column 0 (within-speaker std 1 and 100).
        float[][] train = [[1, 10], [3, 10], [100, 5], [300, 7]];
        var plain = SpeakerNormalization.Fit(train, ["x", "x", "y", "y"], shrinkage: 0);
        Assert.Equal([101.0, 8.0], plain.PriorMean);
        Assert.Equal(Math.Sqrt((1 + 10000) / 2.0), plain.PriorStd[0], 9);
        // Without shrinkage, a profile is the speaker's own z-scoring.
        var own = plain.CreateProfile([[1, 10], [3, 10]]);
        Assert.Equal([-1f, 0f], plain.Apply([1, 10], own));
        Assert.Equal([1f, 0f], plain.Apply([3, 10], own));
        Assert.Throws<ArgumentException>(() => plain.CreateProfile([[1, 10]]));

        // With τ = 2 pseudo-clips, two clips weigh as much as the prior: the mean moves halfway to 101.
        var shrunk = SpeakerNormalization.Fit(train, ["x", "x", "y", "y"], shrinkage: 2);
        var profile = shrunk.CreateProfile([[1, 10], [3, 10]]);
        double mean = (2 * 2.0 + 2 * 101) / 4, sd = Math.Sqrt((2 * 1.0 + 2 * (1 + 10000) / 2.0) / 4);
        Assert.Equal((float)((3 - mean) / sd), shrunk.Apply([3, 10], profile)[0], 5);
        // One clip is enough when there is a prior to lean on.
        Assert.Equal(1, shrunk.CreateProfile([[2, 10]]).Clips);
    }

    [Fact]
    public void Enrolment_profiles_never_contain_the_scored_clip_and_draw_from_its_speaker_only()
    {
        // Each clip's single feature is its own index, so a profile's (unshrunk) mean tells which clips it used.
        const int perSpeaker = 10;
        var speakers = Enumerable.Range(0, 3 * perSpeaker).Select(i => $"s{i / perSpeaker}").ToArray();
        var features = Enumerable.Range(0, speakers.Length).Select(i => new float[] { i, i * i }).ToArray();
        var normalization = SpeakerNormalization.Fit(features, speakers, 0);
        var all = Enumerable.Range(0, speakers.Length).ToArray();
        var leaveOneOut = EnrolmentProtocol.Profiles(normalization, features, speakers, all, all, 0, seed: 1);
        for (int i = 0; i < all.Length; i++)
        {
            int first = i / perSpeaker * perSpeaker;
            double othersMean = (Enumerable.Range(first, perSpeaker).Sum() - i) / (double)(perSpeaker - 1);
            Assert.Equal(perSpeaker - 1, leaveOneOut[i].Clips);
            Assert.Equal(othersMean, leaveOneOut[i].Mean[0], 9);
        }

        var four = EnrolmentProtocol.Profiles(normalization, features, speakers, all, all, 4, seed: 1);
        Assert.All(four, p => Assert.Equal(4, p.Clips));
        // Seeded: the same draws again; another seed, other draws.
        var again = EnrolmentProtocol.Profiles(normalization, features, speakers, all, all, 4, seed: 1);
        var other = EnrolmentProtocol.Profiles(normalization, features, speakers, all, all, 4, seed: 2);
        Assert.All(all, i => Assert.Equal(normalization.Apply(features[i], four[i]), normalization.Apply(features[i], again[i])));
        Assert.Contains(all, i => !normalization.Apply(features[i], four[i]).SequenceEqual(normalization.Apply(features[i], other[i])));
        // Draws stay within the speaker: the mean of four of its clips lies within its index range.
        Assert.All(all, i => Assert.InRange(four[i].Mean[0], i / perSpeaker * perSpeaker, i / perSpeaker * perSpeaker + perSpeaker - 1));
    }
}

public sealed class CalibrationMetricsTests
{
    [Fact]
    public void Expected_calibration_error_and_nll_follow_their_definitions()
    {
        // Four clips at confidence 0.95 (bin 9), three right; two at 0.65 (bin 6), one right.
        float[][] p = [[0.95f, 0.05f], [0.95f, 0.05f], [0.95f, 0.05f], [0.95f, 0.05f], [0.65f, 0.35f], [0.35f, 0.65f]];
        int[] truth = [0, 0, 0, 1, 0, 0];
        double ece = (4 * Math.Abs(0.75 - 0.95) + 2 * Math.Abs(0.5 - 0.65)) / 6;
        Assert.Equal(ece, CalibrationMetrics.ExpectedCalibrationError(p, truth), 6);
        double nll = -(3 * Math.Log(0.95) + Math.Log(0.05) + Math.Log(0.65) + Math.Log(0.35)) / 6;
        Assert.Equal(nll, CalibrationMetrics.NegativeLogLikelihood(p, truth), 6);
        var bins = CalibrationMetrics.Reliability(p, truth);
        Assert.Equal(4, bins[9].Count);
        Assert.Equal(0.75, bins[9].Accuracy, 9);
    }

    [Fact]
    public void Temperature_scaling_recovers_the_temperature_that_generated_the_labels()
    {
        // Labels drawn from softmax(logits / 2.5) while the model reports softmax(logits): over-confident by T = 2.5.
        var random = new Random(11);
        var probabilities = new List<float[]>();
        var truth = new List<int>();
        for (int n = 0; n < 4000; n++)
        {
            var logits = Enumerable.Range(0, 5).Select(_ => random.NextDouble() * 8).ToArray();
            probabilities.Add(Softmax(logits, 1));
            var real = Softmax(logits, 2.5);
            double u = random.NextDouble(), acc = 0;
            int label = 4;
            for (int k = 0; k < 5; k++)
            {
                acc += real[k];
                if (u < acc)
                {
                    label = k;
                    break;
                }
            }

            truth.Add(label);
        }

        double t = CalibrationMetrics.FitTemperature(probabilities, truth);
        Assert.InRange(t, 2.2, 2.8);
        var calibrated = CalibrationMetrics.Apply(probabilities, t);
        Assert.True(CalibrationMetrics.ExpectedCalibrationError(calibrated, truth) < 0.5 * CalibrationMetrics.ExpectedCalibrationError(probabilities, truth));
        // Scaling never changes the decision.
        Assert.All(Enumerable.Range(0, 200), i => Assert.Equal(EmotionModel.ArgMax(probabilities[i]), EmotionModel.ArgMax(calibrated[i])));
    }

    private static float[] Softmax(double[] logits, double t)
    {
        var e = logits.Select(l => Math.Exp(l / t)).ToArray();
        return e.Select(v => (float)(v / e.Sum())).ToArray();
    }
}
