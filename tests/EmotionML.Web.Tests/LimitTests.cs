using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EmotionML.TestData;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EmotionML.Web.Tests;

/// <summary>Upload size, duration, queue and timeout limits; speaker-normalised models; the loopback rule.</summary>
public sealed class LimitTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static WebApplicationFactory<Program> With(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in settings)
            {
                b.UseSetting("EmotionML:Web:" + key, value);
            }
        });

    [Fact]
    public async Task An_upload_over_the_size_limit_is_a_413_form_or_raw()
    {
        using var factory = With(("MaxUploadBytes", "50000"));
        using var client = factory.CreateClient();
        var sample = WebTestClips.Sample();
        Assert.True(sample.Length > 50000);
        await ApiTests.Problem(await client.PostAsync("/api/predict", ApiTests.Form(sample)), HttpStatusCode.RequestEntityTooLarge);
        await ApiTests.Problem(await client.PostAsync("/api/predict", new ByteArrayContent(sample)), HttpStatusCode.RequestEntityTooLarge);

        // Without a Content-Length (chunked), the limit still holds while reading.
        var chunked = new StreamContent(NonSeekableStream.Of(sample, 4096));
        await ApiTests.Problem(await client.PostAsync("/api/predict/segments", chunked), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task The_CNN_s_test_time_crops_are_a_setting_and_the_answer_follows_them()
    {
        using var standard = EmotionEngine.LoadDefault();
        // Another count than the default model's own (three, or one when that is it).
        int other = standard.Model.Cnn!.TestCrops == 1 ? 3 : 1;
        using var factory = With(("CnnTestCrops", other.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var client = factory.CreateClient();
        var response = await client.PostAsync("/api/predict", ApiTests.Form(WebTestClips.Sample()));
        response.EnsureSuccessStatusCode();
        var result = (await response.Content.ReadFromJsonAsync<PredictionResponse>(Json))!;
        Assert.Equal(other, ((EmotionEngine)factory.Services.GetService(typeof(EmotionEngine))!).Model.Cnn!.TestCrops);

        // What an engine with that count answers, not what the default's own count gives.
        using var changed = EmotionEngine.LoadDefault(new EngineOptions { CnnTestCrops = other });
        var expected = changed.Predict(new MemoryStream(WebTestClips.Sample()));
        var usual = standard.Predict(new MemoryStream(WebTestClips.Sample()));
        Assert.Equal(expected.Confidence, result.Confidence, 1e-6);
        Assert.NotEqual(usual.Confidence, result.Confidence, 4);
    }

    [Fact]
    public async Task Audio_over_the_duration_limit_is_a_422()
    {
        using var factory = With(("MaxAudioDuration", "00:00:10"));
        using var client = factory.CreateClient();
        (await client.PostAsync("/api/predict", ApiTests.Form(WebTestClips.Sample()))).EnsureSuccessStatusCode();
        var problem = await ApiTests.Problem(await client.PostAsync("/api/predict/segments", ApiTests.Form(WebTestClips.Long())), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Audio too long", problem.GetProperty("title").GetString());
        await ApiTests.Problem(await client.PostAsync("/api/predict", ApiTests.Form(WebTestClips.Long())), HttpStatusCode.UnprocessableEntity);
    }

    // The next two run on Kestrel with a real socket: the test server hands a request to the app only once its
    // body is complete, so it cannot show a request that holds a slot while its body trickles in.
    private static async Task<(Microsoft.AspNetCore.Builder.WebApplication App, HttpClient Client)> StartAsync(Action<EmotionWebOptions> configure)
    {
        var app = EmotionWebApp.Create(["--urls", "http://127.0.0.1:0"], configure);
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) });
    }

    [Fact]
    public async Task Beyond_the_queue_requests_get_503_with_retry_after()
    {
        var (app, client) = await StartAsync(o => { o.MaxConcurrentPredictions = 1; o.QueueLimit = 0; });
        await using var _ = app;
        using var __ = client;
        var gate = new TaskCompletionSource();
        var held = client.PostAsync("/api/predict", new StreamContent(new GatedStream(WebTestClips.Sample(), gate.Task)));
        await Task.Delay(500); // the first request holds the only slot while its body waits

        var rejected = await client.PostAsync("/api/predict", ApiTests.Form(WebTestClips.Sample()));
        await ApiTests.Problem(rejected, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(rejected.Headers.RetryAfter);

        gate.SetResult();
        (await held.WaitAsync(TimeSpan.FromSeconds(30))).EnsureSuccessStatusCode();
        (await client.PostAsync("/api/predict", ApiTests.Form(WebTestClips.Sample()))).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_request_that_outlasts_the_timeout_is_cancelled_with_503()
    {
        var (app, client) = await StartAsync(o => o.RequestTimeout = TimeSpan.FromSeconds(1));
        await using var _ = app;
        using var __ = client;
        // The body's second half comes after 3 s: the server gives up at 1 s (without the timeout it would answer 200).
        var response = await client.PostAsync("/api/predict", new StreamContent(new GatedStream(WebTestClips.Sample(), Task.Delay(3000))))
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task A_speaker_normalised_model_needs_enrolment_clips_and_uses_them()
    {
        string model = Path.Combine(SharedData.RepositoryRoot, "artifacts", "models", "ravdess-enrolment.emlmodel");
        using var factory = With(("ModelPath", model));
        using var client = factory.CreateClient();
        var info = (await client.GetFromJsonAsync<ModelResponse>("/api/model", Json))!;
        Assert.True(info.SpeakerNormalization.Required);
        Assert.NotEmpty(info.SpeakerNormalization.Curve);
        Assert.NotNull(info.ConfusionMatrixUrl); // the report beside the bundle (ravdess-enrolment.report)
        (await client.GetAsync(info.ConfusionMatrixUrl)).EnsureSuccessStatusCode();

        var clip = WebTestClips.Sample("ravdess-angry-actor12.wav");
        var problem = await ApiTests.Problem(await client.PostAsync("/api/predict", ApiTests.Form(clip)), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("enrol", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Other clips of actor 12 as the enrolment set: the engine with the same profile gives the same answer.
        var enrolPaths = Directory.GetFiles(Path.Combine(SharedData.RavdessDir, "Actor_12"), "*.wav").Order(StringComparer.Ordinal).Take(4).ToArray();
        var enrol = enrolPaths.Select(File.ReadAllBytes).ToArray();
        var response = await client.PostAsync("/api/predict", ApiTests.Form(clip, enrol: enrol));
        response.EnsureSuccessStatusCode();
        var result = (await response.Content.ReadFromJsonAsync<PredictionResponse>(Json))!;
        Assert.Equal(4, result.SpeakerProfileClips);

        using var engine = EmotionEngine.Load(model);
        var profile = engine.CreateSpeakerProfile(enrol.Select(b => (Stream)new MemoryStream(b)));
        var expected = engine.Predict(new MemoryStream(clip), profile);
        Assert.Equal(expected.Label, result.Label);
        Assert.Equal(expected.Confidence, result.Confidence, 1e-6);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://192.168.1.20:5080", false)]
    public void Only_loopback_addresses_count_as_local(string url, bool loopback) => Assert.Equal(loopback, EmotionWebApp.IsLoopback(url));

    [Fact]
    public void Listening_beyond_loopback_needs_allow_remote()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => EmotionWebApp.Create(["--urls", "http://0.0.0.0:0"]));
        Assert.Contains("AllowRemote", ex.Message, StringComparison.Ordinal);
        using var allowed = (IDisposable)EmotionWebApp.Create(["--urls", "http://0.0.0.0:0"], o => o.AllowRemote = true);
    }

    /// <summary>A body that gives its first 64 KB (more than the client buffers before sending), then waits for a gate before the rest.</summary>
    private sealed class GatedStream(byte[] data, Task gate) : Stream
    {
        private const int Head = 64 * 1024;

        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            if (_position >= Head)
            {
                await gate.WaitAsync(cancellationToken);
            }

            int n = Math.Min(count, Math.Min(data.Length - _position, _position < Head ? Head - _position : int.MaxValue));
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
