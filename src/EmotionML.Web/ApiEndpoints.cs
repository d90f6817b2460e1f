using EmotionML.Audio;
using Microsoft.Extensions.Options;

namespace EmotionML.Web;

/// <summary>
/// The JSON API: <c>POST /api/predict</c>, <c>POST /api/predict/segments</c>, <c>GET /api/model</c> (and its
/// confusion matrix image). Audio comes as a multipart form field <c>file</c> (optional <c>enrol</c> fields: other
/// clips of the same speaker, for speaker-normalised models) or as the raw request body; its format is recognised
/// from its bytes, never from a file name or content type.
/// </summary>
public static class ApiEndpoints
{
    private static readonly string[] AudioContentTypes = ["multipart/form-data", "audio/wav", "audio/mpeg", "audio/ogg", "application/octet-stream", "*/*"];

    /// <summary>Maps the endpoints onto <paramref name="app"/>.</summary>
    /// <param name="app">The app.</param>
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Emotion recognition");
        api.MapPost("/predict", PredictAsync)
            .WithName("Predict")
            .WithSummary("The emotion of one clip")
            .WithDescription("Send a clip as the multipart field 'file' or as the raw body. Speaker-normalised models also need 'enrol' fields: other clips of the same speaker.")
            .Produces<PredictionResponse>()
            .TakesAudio();
        api.MapPost("/predict/segments", SegmentsAsync)
            .WithName("PredictSegments")
            .WithSummary("A timeline of emotions over a longer recording (3 s windows every 1.5 s; silent windows skipped)")
            .Produces<SegmentsResponse>()
            .TakesAudio();
        api.MapGet("/model", (ModelInfoProvider info) => TypedResults.Ok(info.Model))
            .WithName("Model")
            .WithSummary("The served model: labels, accuracy with its protocol, calibration, schema");
        api.MapGet("/model/confusion.svg", (ModelInfoProvider info) =>
                info.OpenConfusionMatrix() is { } svg ? Results.Stream(svg, "image/svg+xml") : Results.NotFound())
            .WithName("ConfusionMatrix")
            .WithSummary("The confusion matrix image from the model's training report")
            .Produces(StatusCodes.Status200OK, contentType: "image/svg+xml")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>What both audio endpoints share: accepted bodies, problem answers, the concurrency bound.</summary>
    private static RouteHandlerBuilder TakesAudio(this RouteHandlerBuilder endpoint) => endpoint
        .Accepts<IFormFile>(AudioContentTypes[0], AudioContentTypes[1..])
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .RequireRateLimiting(EmotionWebApp.PredictionPolicy)
        .DisableAntiforgery(); // the body is read as a stream, never bound as a form by the framework

    private static async Task<IResult> PredictAsync(HttpRequest request, EmotionEngine engine, IOptions<EmotionWebOptions> options, CancellationToken cancellationToken)
    {
        var upload = await Upload.ReadAsync(request, options.Value.MaxUploadBytes, cancellationToken);
        var profile = Profile(engine, upload);
        cancellationToken.ThrowIfCancellationRequested();
        var p = engine.Predict(upload.Audio, profile);
        return TypedResults.Ok(new PredictionResponse(p.Label, p.Confidence, p.Labels, p.Scores, p.Duration.TotalSeconds, p.InDomain, p.DomainScore, profile?.Clips ?? 0));
    }

    private static async Task<IResult> SegmentsAsync(
        HttpRequest request, EmotionEngine engine, IOptions<EmotionWebOptions> options, IOptions<EmotionRecognitionOptions> engineOptions, CancellationToken cancellationToken)
    {
        var upload = await Upload.ReadAsync(request, options.Value.MaxUploadBytes, cancellationToken);
        var profile = Profile(engine, upload);

        // Read through once up front, a block at a time (the decoded audio is never held whole): unreadable or too long
        // audio is refused before any window is scored, and the duration is known.
        double duration = MeasureDuration(new AudioDecoder(engineOptions.Value.Engine.Audio), upload.Audio, options.Value.MaxAudioDuration, cancellationToken);
        upload.Audio.Position = 0;
        var segmentOptions = new SegmentOptions();
        var segments = engine.PredictSegments(upload.Audio, segmentOptions, profile, cancellationToken)
            .Select(s => new SegmentResponse(s.Start.TotalSeconds, s.End.TotalSeconds, s.Label, s.Confidence, s.Scores, s.InDomain))
            .ToList();
        return TypedResults.Ok(new SegmentsResponse(duration, segmentOptions.WindowLength.TotalSeconds, segmentOptions.Hop.TotalSeconds, engine.Labels, segments));
    }

    private static double MeasureDuration(AudioDecoder decoder, Stream audio, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var reader = decoder.OpenRead(audio, leaveOpen: true);
        long maxSamples = (long)Math.Ceiling(limit.TotalSeconds * reader.SampleRate);
        var block = new float[16384];
        long samples = 0;
        int n;
        while ((n = reader.Read(block)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            samples += n;
            if (samples > maxSamples)
            {
                throw new AudioDecodeException(AudioErrorKind.TooLong, $"The audio is longer than the {limit} this server accepts.", reader.Format);
            }
        }

        return (double)samples / reader.SampleRate;
    }

    private static SpeakerProfile? Profile(EmotionEngine engine, Upload upload)
    {
        if (!engine.RequiresSpeakerProfile)
        {
            return upload.Enrolment.Count > 0
                ? throw new UploadException(StatusCodes.Status400BadRequest, "No profile needed", "This model does not use speaker normalisation: send no 'enrol' fields.")
                : null;
        }

        int minimum = engine.Bundle.Manifest.SpeakerNormalization?.MinimumClips ?? 1;
        if (upload.Enrolment.Count < minimum)
        {
            throw new SpeakerProfileRequiredException(
                $"This model normalises each speaker: send at least {minimum} other clip(s) of the same speaker as 'enrol' fields (its report shows accuracy growing with more).");
        }

        return engine.CreateSpeakerProfile(upload.Enrolment);
    }
}
