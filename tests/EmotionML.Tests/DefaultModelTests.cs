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
}
