using EmotionML.TestData;

namespace EmotionML.Tests;

public sealed class DefaultModelTests
{
    private static string Sample => Path.Combine(SharedData.SamplesDir, "ravdess-angry-actor12.wav");

    [Fact]
    public void The_default_model_blends_trees_with_a_CNN_whose_test_crops_the_engine_can_lower()
    {
        using var standard = EmotionEngine.LoadDefault();
        using var fast = EmotionEngine.LoadDefault(new EngineOptions { CnnTestCrops = 1 });
        var cnn = standard.Model.Cnn!;
        Assert.InRange(standard.Model.CnnWeight, 0.05, 0.95);
        Assert.Equal(cnn.Sidecar.TestCrops, cnn.TestCrops);
        Assert.True(cnn.TestCrops > 1);
        Assert.Equal(1, fast.Model.Cnn!.TestCrops);

        // The sample is longer than one crop, so one crop (the centre) scores something else than the average of three.
        var logMel = cnn.LogMel.Extract(new Audio.AudioDecoder().Decode(Sample));
        Assert.True(logMel.Frames > cnn.Sidecar.Frames);
        var three = cnn.Predict(logMel);
        var one = fast.Model.Cnn.Predict(logMel);
        Assert.True(three.Zip(one).Max(p => Math.Abs(p.First - p.Second)) > 1e-4);

        using var stream = File.OpenRead(Sample);
        var prediction = fast.Predict(stream);
        Assert.Equal(1.0, prediction.Scores.Values.Sum(), 3);

        Assert.Throws<ArgumentOutOfRangeException>(() => EmotionEngine.LoadDefault(new EngineOptions { CnnTestCrops = 0 }));
    }
}
