using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EmotionML.TestData;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EmotionML.Web.Tests;

/// <summary>The JSON API through ASP.NET Core's test server, with the default model.</summary>
public sealed class ApiTests : IClassFixture<WebApplicationFactory<Program>>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly WebApplicationFactory<Program> _factory;

    public ApiTests(WebApplicationFactory<Program> factory) => _factory = factory;

    internal static MultipartFormDataContent Form(byte[] audio, string field = "file", string name = "clip.wav", params byte[][] enrol)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(audio);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, field, name);
        foreach (var (clip, i) in enrol.Select((c, i) => (c, i)))
        {
            form.Add(new ByteArrayContent(clip), "enrol", $"enrol-{i}.wav");
        }

        return form;
    }

    internal static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode expected)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {expected}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    [Fact]
    public async Task Predict_a_sample_as_a_form_field_agrees_with_the_engine()
    {
        using var client = _factory.CreateClient();
        var response = await client.PostAsync("/api/predict", Form(WebTestClips.Sample()));
        response.EnsureSuccessStatusCode();
        var result = (await response.Content.ReadFromJsonAsync<PredictionResponse>(Json))!;

        using var engine = EmotionEngine.LoadDefault();
        using var file = File.OpenRead(WebTestClips.SamplePath());
        var expected = engine.Predict(file);
        Assert.Equal(expected.Label, result.Label);
        Assert.Equal(expected.Confidence, result.Confidence, 1e-6);
        Assert.Equal(engine.Labels, result.Labels);
        foreach (var label in engine.Labels)
        {
            Assert.Equal(expected.Scores[label], result.Scores[label], 1e-6);
        }

        Assert.Equal(expected.Duration.TotalSeconds, result.DurationSeconds, 6);
        Assert.Equal(1.0, result.Scores.Values.Sum(), 3);
        Assert.Equal(0, result.SpeakerProfileClips);
    }

    [Fact]
    public async Task Predict_accepts_the_raw_body_whatever_its_content_type()
    {
        using var client = _factory.CreateClient();
        var form = await (await client.PostAsync("/api/predict", Form(WebTestClips.Sample()))).Content.ReadFromJsonAsync<PredictionResponse>(Json);
        foreach (var type in new[] { "audio/wav", "application/octet-stream", "text/plain" })
        {
            var body = new ByteArrayContent(WebTestClips.Sample());
            body.Headers.ContentType = new MediaTypeHeaderValue(type);
            var raw = await (await client.PostAsync("/api/predict", body)).Content.ReadFromJsonAsync<PredictionResponse>(Json);
            Assert.Equal(form!.Label, raw!.Label);
            // The default model's CNN runs in ONNX Runtime, whose sums may differ in the last bit from run to run.
            Assert.Equal(form.Confidence, raw.Confidence, 1e-6);
        }
    }

    [Fact]
    public async Task Segments_of_a_long_recording_cover_it_in_order()
    {
        using var client = _factory.CreateClient();
        var response = await client.PostAsync("/api/predict/segments", Form(WebTestClips.Long()));
        response.EnsureSuccessStatusCode();
        var timeline = (await response.Content.ReadFromJsonAsync<SegmentsResponse>(Json))!;
        Assert.InRange(timeline.DurationSeconds, 25, 40);
        Assert.True(timeline.Segments.Count >= 10, $"{timeline.Segments.Count} segments");
        Assert.All(timeline.Segments, s =>
        {
            Assert.InRange(s.End - s.Start, 0.5, timeline.WindowSeconds + 1e-6);
            Assert.Contains(s.Label, timeline.Labels);
            Assert.Equal(1.0, s.Scores.Values.Sum(), 3);
        });
        Assert.True(timeline.Segments.Zip(timeline.Segments.Skip(1)).All(p => p.First.Start < p.Second.Start));
        Assert.True(timeline.Segments[^1].End <= timeline.DurationSeconds + 1e-6);
    }

    [Fact]
    public async Task Model_describes_labels_nested_accuracy_schema_and_serves_its_confusion_matrix()
    {
        using var client = _factory.CreateClient();
        var model = (await client.GetFromJsonAsync<ModelResponse>("/api/model", Json))!;
        using var engine = EmotionEngine.LoadDefault();
        var manifest = engine.Bundle.Manifest;
        Assert.Equal(engine.Labels, model.Labels);
        Assert.NotNull(model.Accuracy);
        Assert.True(model.Accuracy!.Nested);
        Assert.Equal(manifest.Validation.Nested!.Accuracy, model.Accuracy.Accuracy);
        Assert.Contains("speaker-independent", model.Accuracy.Protocol, StringComparison.Ordinal);
        Assert.Equal(manifest.SchemaFingerprint, model.Schema.Fingerprint);
        Assert.Equal(manifest.SchemaColumns.Count, model.Schema.Columns);
        Assert.False(model.SpeakerNormalization.Required);
        // The default model blends trees with the CNN: the page says in what shares.
        Assert.NotNull(model.Cnn);
        Assert.Equal(manifest.Cnn!.Weight, model.Cnn!.Weight);
        Assert.InRange(model.Cnn.Weight, 0.05, 0.95);
        Assert.Contains("speakers", model.Cnn.Selection, StringComparison.Ordinal);

        Assert.Equal("/api/model/confusion.svg", model.ConfusionMatrixUrl);
        var svg = await client.GetAsync(model.ConfusionMatrixUrl);
        svg.EnsureSuccessStatusCode();
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await svg.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_openapi_docs_and_the_page_are_served()
    {
        using var client = _factory.CreateClient();
        Assert.Equal("Healthy", await client.GetStringAsync("/health"));
        var openApi = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = openApi.GetProperty("paths");
        foreach (var path in new[] { "/api/predict", "/api/predict/segments", "/api/model" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }

        Assert.Contains("swagger", await client.GetStringAsync("/docs/index.html"), StringComparison.OrdinalIgnoreCase);
        var page = await client.GetStringAsync("/");
        Assert.Contains("<script src=\"app.js\">", page, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal); // no CDN, no external font
        Assert.DoesNotContain("https://", await client.GetStringAsync("/app.js"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Garbage_bytes_are_a_400_problem_without_a_stack_trace()
    {
        using var client = _factory.CreateClient();
        var problem = await Problem(await client.PostAsync("/api/predict", Form(WebTestClips.Garbage(), name: "speech.wav")), HttpStatusCode.BadRequest);
        Assert.Equal("Unreadable audio", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_empty_body_or_empty_file_is_a_400()
    {
        using var client = _factory.CreateClient();
        await Problem(await client.PostAsync("/api/predict", new ByteArrayContent([])), HttpStatusCode.BadRequest);
        await Problem(await client.PostAsync("/api/predict", Form([])), HttpStatusCode.BadRequest);
        await Problem(await client.PostAsync("/api/predict/segments", new ByteArrayContent([])), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_form_without_the_file_field_says_which_fields_it_had()
    {
        using var client = _factory.CreateClient();
        var problem = await Problem(await client.PostAsync("/api/predict", Form(WebTestClips.Sample(), field: "audio")), HttpStatusCode.BadRequest);
        Assert.Contains("'file'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("'audio'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silent_audio_is_a_422()
    {
        using var client = _factory.CreateClient();
        var problem = await Problem(await client.PostAsync("/api/predict", Form(WebTestClips.Silence())), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Silent audio", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Enrolment_clips_for_a_model_without_normalisation_are_refused()
    {
        using var client = _factory.CreateClient();
        await Problem(await client.PostAsync("/api/predict", Form(WebTestClips.Sample(), enrol: [WebTestClips.Sample("ravdess-happy-actor15.wav")])), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Concurrent_requests_give_exactly_the_single_request_results()
    {
        using var client = _factory.CreateClient();
        var clips = WebTestClips.SamplePaths.Select(File.ReadAllBytes).ToArray();
        var single = new List<PredictionResponse>();
        foreach (var clip in clips)
        {
            single.Add((await (await client.PostAsync("/api/predict", Form(clip))).Content.ReadFromJsonAsync<PredictionResponse>(Json))!);
        }

        var burst = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            var response = await client.PostAsync("/api/predict", Form(clips[i % clips.Length]));
            response.EnsureSuccessStatusCode();
            return (i, (await response.Content.ReadFromJsonAsync<PredictionResponse>(Json))!);
        }));
        foreach (var (i, result) in burst)
        {
            var expected = single[i % clips.Length];
            Assert.Equal(expected.Label, result.Label);
            // The default model's CNN runs in ONNX Runtime, whose sums may differ in the last bits between runs.
            Assert.All(expected.Scores, s => Assert.Equal(s.Value, result.Scores[s.Key], 1e-6));
        }
    }
}
