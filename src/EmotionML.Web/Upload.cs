using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace EmotionML.Web;

/// <summary>
/// The audio of one request, held in memory (nothing uploaded touches the disk): a multipart form's <c>file</c>
/// field (with optional <c>enrol</c> fields: clips of the same speaker for a speaker profile) or the raw body.
/// </summary>
internal sealed class Upload
{
    private Upload(MemoryStream audio, IReadOnlyList<MemoryStream> enrolment)
    {
        Audio = audio;
        Enrolment = enrolment;
    }

    /// <summary>The audio to score.</summary>
    public MemoryStream Audio { get; }

    /// <summary>Enrolment clips for a speaker profile (empty when none were sent).</summary>
    public IReadOnlyList<MemoryStream> Enrolment { get; }

    /// <summary>Reads the request, at most <paramref name="limit"/> bytes in all.</summary>
    /// <exception cref="UploadException">Too large (413), empty or malformed (400).</exception>
    public static async Task<Upload> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw UploadException.TooLarge(limit);
        }

        var body = new LimitedStream(request.Body, limit);
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return await ReadFormAsync(body, type, cancellationToken);
        }

        var audio = new MemoryStream();
        await body.CopyToAsync(audio, cancellationToken);
        if (audio.Length == 0)
        {
            throw new UploadException(StatusCodes.Status400BadRequest, "Empty request", "The request has no audio: send a file in the form field 'file' or the audio bytes as the body.");
        }

        audio.Position = 0;
        return new Upload(audio, []);
    }

    private static async Task<Upload> ReadFormAsync(Stream body, MediaTypeHeaderValue type, CancellationToken cancellationToken)
    {
        string boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value ?? "";
        if (boundary.Length == 0)
        {
            throw new UploadException(StatusCodes.Status400BadRequest, "Malformed form", "The multipart form has no boundary.");
        }

        var reader = new MultipartReader(boundary, body);
        MemoryStream? audio = null;
        var enrolment = new List<MemoryStream>();
        var fields = new List<string>();
        try
        {
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(cancellationToken)) is not null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }

                string name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                fields.Add(name);
                if (name != "file" && name != "enrol")
                {
                    await section.Body.CopyToAsync(Stream.Null, cancellationToken);
                    continue;
                }

                var data = new MemoryStream();
                await section.Body.CopyToAsync(data, cancellationToken);
                data.Position = 0;
                if (name == "enrol")
                {
                    enrolment.Add(data);
                }
                else
                {
                    audio ??= data;
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new UploadException(StatusCodes.Status400BadRequest, "Malformed form", ex.Message);
        }

        if (audio is null)
        {
            string seen = fields.Count == 0 ? "no fields" : "only " + string.Join(", ", fields.Distinct().Select(f => $"'{f}'"));
            throw new UploadException(StatusCodes.Status400BadRequest, "No file", $"The form has no 'file' field (it has {seen}).");
        }

        if (audio.Length == 0)
        {
            throw new UploadException(StatusCodes.Status400BadRequest, "Empty file", "The uploaded file is empty.");
        }

        return new Upload(audio, enrolment);
    }

    /// <summary>Passes at most a given number of bytes through, then throws 413.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int n)
        {
            _read += n;
            return _read > limit ? throw UploadException.TooLarge(limit) : n;
        }
    }
}

/// <summary>A request the API refuses before decoding, with its HTTP status.</summary>
internal sealed class UploadException(int status, string title, string detail) : Exception(detail)
{
    /// <summary>The HTTP status code.</summary>
    public int Status { get; } = status;

    /// <summary>A short title for the problem body.</summary>
    public string Title { get; } = title;

    /// <summary>The 413 answer for a body beyond the limit.</summary>
    public static UploadException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "Upload too large", $"The upload is larger than the {limit / (1024.0 * 1024):0.#} MB this server accepts.");
}
