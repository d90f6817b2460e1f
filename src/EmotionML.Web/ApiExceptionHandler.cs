using EmotionML.Audio;
using Microsoft.AspNetCore.Diagnostics;

namespace EmotionML.Web;

/// <summary>
/// Turns failures into problem+json answers with a status that says whose fault it is, never a stack trace:
/// unreadable audio 400, a format that needs ffmpeg 415, too long or silent audio 422, too large 413; anything
/// unexpected 500 with a generic message (logged on the server).
/// </summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = Describe(exception);
        if (status == StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "Unhandled error on {Path}", context.Request.Path);
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>The status, title and user-facing message for an exception.</summary>
    internal static (int Status, string Title, string Detail) Describe(Exception exception) => exception switch
    {
        UploadException u => (u.Status, u.Title, u.Message),
        AudioDecodeException { Kind: AudioErrorKind.TooLong } a => (StatusCodes.Status422UnprocessableEntity, "Audio too long", a.Message),
        AudioDecodeException { Kind: AudioErrorKind.DecoderUnavailable } a => (StatusCodes.Status415UnsupportedMediaType, "Format not supported here", a.Message),
        AudioDecodeException a => (StatusCodes.Status400BadRequest, "Unreadable audio", a.Message),
        SilentAudioException s => (StatusCodes.Status422UnprocessableEntity, "Silent audio", s.Message),
        SpeakerProfileRequiredException p => (StatusCodes.Status422UnprocessableEntity, "Speaker profile needed", p.Message),
        BadHttpRequestException b => (b.StatusCode, b.StatusCode == 413 ? "Upload too large" : "Bad request", b.Message),
        _ => (StatusCodes.Status500InternalServerError, "Server error", "The server could not process the request."),
    };
}

/// <summary>A speaker-normalised model was asked to predict without enrolment clips.</summary>
internal sealed class SpeakerProfileRequiredException(string message) : Exception(message);
