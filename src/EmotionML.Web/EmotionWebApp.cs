using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace EmotionML.Web;

/// <summary>
/// Builds the web app: the page (embedded static files), the JSON API (<see cref="ApiEndpoints"/>), its OpenAPI
/// document at <c>/openapi/v1.json</c> with a browsable UI at <c>/docs</c>, and <c>/health</c>. The engine comes from
/// <see cref="EmotionRecognitionServiceCollectionExtensions.AddEmotionRecognition"/>; uploads are bounded in size and
/// duration, requests in time, and predictions in concurrency (a bounded queue, then 503 with Retry-After).
/// </summary>
public static class EmotionWebApp
{
    /// <summary>The rate-limiting policy that bounds concurrent predictions.</summary>
    public const string PredictionPolicy = "predictions";

    /// <summary>Creates the app; configuration comes from <paramref name="args"/>, environment and appsettings as usual.</summary>
    /// <param name="args">Command-line arguments (e.g. <c>--urls</c>, <c>--EmotionML:Web:ModelPath=...</c>).</param>
    /// <param name="configure">Changes the options after configuration is bound (what <c>emotionml serve</c> uses).</param>
    /// <exception cref="InvalidOperationException">A non-loopback address is configured without <see cref="EmotionWebOptions.AllowRemote"/>.</exception>
    public static WebApplication Create(string[] args, Action<EmotionWebOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var optionsBuilder = builder.Services.AddOptions<EmotionWebOptions>().Bind(builder.Configuration.GetSection(EmotionWebOptions.SectionName));
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        optionsBuilder.Validate(o => o.MaxUploadBytes > 0 && o.MaxAudioDuration > TimeSpan.Zero && o.RequestTimeout > TimeSpan.Zero
            && o.MaxConcurrentPredictions > 0 && o.QueueLimit >= 0, "Upload size, duration, timeout and concurrency limits must be positive.");

        // What is needed before the host is built (addresses, Kestrel's bound), bound and configured now. Listening
        // addresses: loopback unless the user says otherwise, and only with AllowRemote.
        var eager = new EmotionWebOptions();
        builder.Configuration.GetSection(EmotionWebOptions.SectionName).Bind(eager);
        configure?.Invoke(eager);
        string? urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls))
        {
            builder.WebHost.UseUrls(urls = EmotionWebOptions.DefaultUrl);
        }

        var remote = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(u => !IsLoopback(u)).ToList();
        if (remote.Count > 0 && !eager.AllowRemote)
        {
            throw new InvalidOperationException(
                $"Refusing to listen on {string.Join(", ", remote)}: only loopback addresses are served unless AllowRemote is set (emotionml serve --allow-remote).");
        }

        // Request-by-request logs are noise for a local app; start-up, warnings and errors remain.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Our own reader enforces the exact limit (413); Kestrel's bound, a little above it, stops anything that bypasses it.
            kestrel.Limits.MaxRequestBodySize = eager.MaxUploadBytes + 1024 * 1024;
            kestrel.AddServerHeader = false;
        });

        builder.Services.AddEmotionRecognition();
        builder.Services.AddOptions<EmotionRecognitionOptions>().Configure<IOptions<EmotionWebOptions>>((engine, web) =>
        {
            engine.ModelPath = web.Value.ModelPath;
            engine.Engine = engine.Engine with
            {
                Audio = engine.Engine.Audio with { MaxDuration = web.Value.MaxAudioDuration, MaxBufferedBytes = web.Value.MaxUploadBytes },
                CnnTestCrops = web.Value.CnnTestCrops ?? engine.Engine.CnnTestCrops,
            };
        });
        builder.Services.AddSingleton<ModelInfoProvider>();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddHealthChecks();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "EmotionML";
            document.Info.Description = "Speech emotion recognition: post audio (WAV, MP3, Ogg Vorbis; FLAC, M4A, Opus with ffmpeg), get emotions.";
            return Task.CompletedTask;
        }));
        builder.Services.AddRequestTimeouts();
        builder.Services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<EmotionWebOptions>>((timeouts, web) =>
            timeouts.DefaultPolicy = new RequestTimeoutPolicy { Timeout = web.Value.RequestTimeout, TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable });
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<EmotionWebOptions>>((limiter, web) =>
        {
            limiter.AddConcurrencyLimiter(PredictionPolicy, c =>
            {
                c.PermitLimit = web.Value.MaxConcurrentPredictions;
                c.QueueLimit = web.Value.QueueLimit;
                c.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var response = context.HttpContext.Response;
                response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                response.Headers.RetryAfter = "1";
                await Results.Problem(statusCode: 503, title: "Busy", detail: "Too many predictions are waiting; retry in a second.")
                    .ExecuteAsync(context.HttpContext);
            };
        });

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(async (context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            await next(context);
        });
        var files = new ManifestEmbeddedFileProvider(typeof(EmotionWebApp).Assembly, "wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        app.UseRequestTimeouts();
        app.UseRateLimiter();

        app.MapOpenApi();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "EmotionML API");
            o.RoutePrefix = "docs";
            o.DocumentTitle = "EmotionML API";
        });
        app.MapHealthChecks("/health");
        ApiEndpoints.Map(app);
        return app;
    }

    /// <summary>Whether a listening URL is loopback only (localhost, 127.0.0.0/8, [::1]).</summary>
    internal static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
