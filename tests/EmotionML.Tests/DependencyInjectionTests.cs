using EmotionML.TestData;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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

    [Fact]
    public async Task A_host_loads_and_warms_the_engine_when_it_starts_so_a_bad_model_stops_start_up()
    {
        // A missing model: start-up fails with the model's error (not the first request).
        string missing = Path.Combine(Path.GetTempPath(), $"emotionml-missing-{Guid.NewGuid():N}.emlmodel");
        using (var provider = new ServiceCollection().AddEmotionRecognition(o => o.ModelPath = missing).BuildServiceProvider())
        {
            var startup = Assert.Single(provider.GetServices<IHostedService>());
            await Assert.ThrowsAnyAsync<Exception>(() => startup.StartAsync(CancellationToken.None));
        }

        // Opted out: nothing is loaded at start-up; the error comes on first use.
        using (var provider = new ServiceCollection().AddEmotionRecognition(o => { o.ModelPath = missing; o.LoadAtStartup = false; }).BuildServiceProvider())
        {
            await provider.GetServices<IHostedService>().Single().StartAsync(CancellationToken.None);
            Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<EmotionEngine>());
        }

        // A good model: registered once however often AddEmotionRecognition is called, and started.
        var services = new ServiceCollection().AddEmotionRecognition(o => o.ModelPath = fixture.ModelPath);
        services.AddEmotionRecognition();
        using (var provider = services.BuildServiceProvider())
        {
            await Assert.Single(provider.GetServices<IHostedService>()).StartAsync(CancellationToken.None);
            var engine = provider.GetRequiredService<EmotionEngine>();
            Assert.Contains(engine.Predict(File.OpenRead(fixture.HeldOut[0].Path)).Label, engine.Labels);
        }
    }

    [Fact]
    public void WarmUp_runs_the_whole_path_on_its_own_clip_and_respects_cancellation_and_disposal()
    {
        var engine = EmotionEngine.LoadDefault();
        Assert.True(engine.WarmUp() > TimeSpan.Zero);
        // The built-in clip is real audio the engine accepts: not silent, 2.5 s at the model's rate.
        var clip = engine.Predict(new MemoryStream(EmotionEngine.WarmUpClip(16000)));
        Assert.Equal(2.5, clip.Duration.TotalSeconds, 3);
        Assert.Equal(1.0, clip.Scores.Values.Sum(), 4);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => engine.WarmUp(cancelled.Token));
        engine.Dispose();
        Assert.Throws<ObjectDisposedException>(() => engine.WarmUp());

        // An engine that accepts only shorter audio than the built-in clip still warms up (the clip is not user audio).
        using var strict = EmotionEngine.LoadDefault(new EngineOptions { Audio = new Audio.AudioDecoderOptions { MaxDuration = TimeSpan.FromSeconds(1) } });
        Assert.True(strict.WarmUp() > TimeSpan.Zero);
        Assert.Throws<Audio.AudioDecodeException>(() => strict.Predict(new MemoryStream(EmotionEngine.WarmUpClip(16000))));

        // A speaker-normalised model warms up too (with a profile from the same clip).
        using var normalised = EmotionEngine.Load(fixture.NormalizedModelPath);
        Assert.True(normalised.RequiresSpeakerProfile);
        Assert.True(normalised.WarmUp() > TimeSpan.Zero);
    }
}
