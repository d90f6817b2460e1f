using EmotionML.TestData;
using Microsoft.Extensions.DependencyInjection;

namespace EmotionML.Tests;

public sealed class DependencyInjectionTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    [Fact]
    public void AddEmotionRecognition_registers_one_shared_engine_with_the_configured_model()
    {
        using var provider = new ServiceCollection().AddEmotionRecognition(o => o.ModelPath = fixture.ModelPath).BuildServiceProvider();
        var engine = provider.GetRequiredService<EmotionEngine>();
        Assert.Same(engine, provider.GetRequiredService<EmotionEngine>());
        Assert.Equal(7, engine.Labels.Count);
        Assert.Contains(engine.Predict(File.OpenRead(fixture.HeldOut[0].Path)).Label, engine.Labels);
    }

    [Fact]
    public void Without_a_model_path_the_default_model_is_used()
    {
        using var provider = new ServiceCollection().AddEmotionRecognition().BuildServiceProvider();
        var engine = provider.GetRequiredService<EmotionEngine>();
        Assert.Equal(["neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"], engine.Labels);
        Assert.False(engine.RequiresSpeakerProfile);
        var p = engine.Predict(File.OpenRead(Path.Combine(SharedData.SamplesDir, "ravdess-neutral-actor01.wav")));
        Assert.Equal(1.0, p.Scores.Values.Sum(), 4);
    }
}
