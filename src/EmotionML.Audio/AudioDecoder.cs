using System.Buffers;

namespace EmotionML.Audio;

/// <summary>
/// Turns a stream of encoded audio into mono float samples at the source rate. The format is recognised from
/// the bytes: WAV (own reader), MP3 (NLayer), Ogg Vorbis (NVorbis) always work; FLAC, M4A/AAC, Opus, AIFF and
/// WebM are decoded by ffmpeg when it is installed. Every failure is an <see cref="AudioDecodeException"/>.
/// </summary>
/// <example>
/// <code>
/// var decoder = new AudioDecoder();
/// AudioClip clip = decoder.Decode("speech.wav").ResampleTo(16000);
/// </code>
/// </example>
public sealed class AudioDecoder
{
    private const int ReadBlock = 65536;
    private const int InitialCapacity = 1 << 21;

    /// <summary>Creates a decoder.</summary>
    /// <param name="options">Limits and ffmpeg settings; <c>null</c> for <see cref="AudioDecoderOptions.Default"/>.</param>
    public AudioDecoder(AudioDecoderOptions? options = null)
    {
        Options = options ?? AudioDecoderOptions.Default;
    }

    /// <summary>The options in force.</summary>
    public AudioDecoderOptions Options { get; }

    /// <summary>Whether ffmpeg is available for FLAC, M4A/AAC, Opus, AIFF and WebM.</summary>
    public bool FfmpegAvailable => FfmpegAudioReader.Locate(Options) is not null;

    /// <summary>Decodes a whole file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the decode.</param>
    public AudioClip Decode(string path, CancellationToken cancellationToken = default)
    {
        using var stream = OpenFile(path);
        return Decode(stream, cancellationToken);
    }

    /// <summary>
    /// Decodes a whole stream (seekable or not) into memory, up to <see cref="AudioDecoderOptions.MaxDuration"/>.
    /// The stream is left open.
    /// </summary>
    /// <param name="stream">The encoded audio.</param>
    /// <param name="cancellationToken">Cancels the decode.</param>
    public AudioClip Decode(Stream stream, CancellationToken cancellationToken = default)
    {
        using var reader = OpenRead(stream, leaveOpen: true);
        var samples = ReadAll(reader, size => new float[size], _ => { }, out int count, cancellationToken);
        if (count != samples.Length)
        {
            Array.Resize(ref samples, count);
        }

        return new AudioClip(samples, reader.SampleRate, reader.SourceChannels, reader.Format, reader.IsTruncated);
    }

    /// <summary>
    /// <see cref="Decode(Stream, CancellationToken)"/> into a buffer rented from <see cref="ArrayPool{T}.Shared"/>,
    /// for callers that only need the samples while they work on them (the engine's Predict): a clip of a few
    /// seconds is a large-object-heap array, and allocating one per call made the GC run a full collection every
    /// twenty or so predictions.
    /// </summary>
    internal RentedSamples DecodeRented(string path, CancellationToken cancellationToken = default)
    {
        using var stream = OpenFile(path);
        return DecodeRented(stream, cancellationToken);
    }

    /// <inheritdoc cref="DecodeRented(string, CancellationToken)"/>
    internal RentedSamples DecodeRented(Stream stream, CancellationToken cancellationToken = default)
    {
        using var reader = OpenRead(stream, leaveOpen: true);
        var pool = ArrayPool<float>.Shared;
        var samples = ReadAll(reader, pool.Rent, buffer => pool.Return(buffer), out int count, cancellationToken);
        return new RentedSamples(samples, count, reader.SampleRate);
    }

    // The file stream's own buffer serves the small header reads (4 KB, the runtime's default); the sample data is read
    // in blocks of ReadBlock, which bypass it. A 64 KB buffer was 64 KB of garbage per file, most of a features run's
    // allocation (720 clips: 79 -> about 35 MB, a few collections fewer).
    private static FileStream OpenFile(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);

    /// <summary>Reads every sample into a buffer that grows as samples arrive; returns it and the count filled.</summary>
    private float[] ReadAll(AudioReader reader, Func<int, float[]> allocate, Action<float[]> release, out int count, CancellationToken cancellationToken)
    {
        long maxSamples = Math.Min((long)Math.Ceiling(Options.MaxDuration.TotalSeconds * reader.SampleRate), Options.MaxDecodedSamples);
        // A header's length is a hint, never a promise: start at most InitialCapacity and grow as samples arrive.
        long expected = reader.DeclaredLength is { } declared ? Math.Min(Math.Min(declared, maxSamples), InitialCapacity) : ReadBlock;
        long limit = Math.Min(maxSamples, Array.MaxLength);
        var samples = allocate((int)Math.Clamp(expected, 0, limit));
        count = 0;
        Span<float> probe = stackalloc float[1];
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (count == samples.Length)
                {
                    // Full: is there more? Only then grow (a header's exact length must not double the buffer).
                    if (reader.Read(probe) == 0)
                    {
                        break;
                    }

                    if (samples.Length >= maxSamples)
                    {
                        throw new AudioDecodeException(AudioErrorKind.TooLong, $"The audio is longer than Decode holds in memory ({Options.MaxDuration}, at most {Options.MaxDecodedSamples} samples); read it incrementally with OpenRead or raise MaxDuration/MaxDecodedSamples.", reader.Format);
                    }

                    var larger = allocate((int)Math.Min(limit, Math.Max(ReadBlock, (long)samples.Length * 2)));
                    samples.AsSpan(0, count).CopyTo(larger);
                    release(samples);
                    samples = larger;
                    samples[count++] = probe[0];
                    continue;
                }

                int n = reader.Read(samples.AsSpan(count, Math.Min(ReadBlock, samples.Length - count)));
                if (n == 0)
                {
                    break;
                }

                count += n;
            }
        }
        catch
        {
            release(samples);
            throw;
        }

        return samples;
    }

    /// <summary>
    /// Opens a stream for incremental reading: the header is parsed now, samples are decoded as they are read,
    /// so memory stays bounded however long the audio is (MP3 from a non-seekable stream is the exception: it is
    /// buffered up to <see cref="AudioDecoderOptions.MaxBufferedBytes"/>).
    /// </summary>
    /// <param name="stream">The encoded audio.</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves <paramref name="stream"/> open.</param>
    public AudioReader OpenRead(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        }

        var header = new byte[AudioFormatDetector.HeaderLength];
        int got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got == 0)
        {
            throw new AudioDecodeException(AudioErrorKind.Empty, "The stream is empty.");
        }

        var format = AudioFormatDetector.Detect(header.AsSpan(0, got));
        Stream source;
        if (stream.CanSeek)
        {
            stream.Seek(-got, SeekOrigin.Current);
            source = stream;
        }
        else
        {
            source = new PrefixedStream(header, got, stream, leaveOpen);
            leaveOpen = false;
        }

        try
        {
            return format switch
            {
                AudioFormat.Wav => WavAudioReader.Open(source, leaveOpen, Options),
                AudioFormat.OggVorbis => VorbisAudioReader.Open(source, leaveOpen, Options),
                AudioFormat.Mp3 => Mp3AudioReader.Open(Seekable(source, leaveOpen, format, out bool keep), keep, Options),
                AudioFormat.Unknown => throw new AudioDecodeException(AudioErrorKind.NotAudio, got < 12 ? $"The stream holds only {got} bytes, too few for any audio format." : "The bytes are not a recognised audio format (WAV, MP3, Ogg, FLAC, M4A, AAC, AIFF, WebM)."),
                _ => OpenWithFfmpeg(source, format),
            };
        }
        catch
        {
            if (!leaveOpen && source != stream)
            {
                source.Dispose();
            }

            throw;
        }
    }

    private FfmpegAudioReader OpenWithFfmpeg(Stream source, AudioFormat format)
    {
        var ffmpeg = FfmpegAudioReader.Locate(Options) ?? throw new AudioDecodeException(
            AudioErrorKind.DecoderUnavailable,
            Options.UseFfmpeg
                ? $"{format} audio is decoded by ffmpeg, which was not found{(Options.FfmpegPath is null ? " on PATH" : $" at '{Options.FfmpegPath}'")}. Install it (Debian/Ubuntu: apt-get install ffmpeg) or set AudioDecoderOptions.FfmpegPath. WAV, MP3 and Ogg Vorbis need no ffmpeg."
                : $"{format} audio needs ffmpeg, which AudioDecoderOptions.UseFfmpeg disables. WAV, MP3 and Ogg Vorbis need no ffmpeg.",
            format);

        if (source is FileStream file && File.Exists(file.Name))
        {
            return FfmpegAudioReader.Open(ffmpeg, file.Name, tempFile: null, format, Options);
        }

        var temp = Path.Combine(Path.GetTempPath(), $"emotionml-{Guid.NewGuid():N}.audio");
        try
        {
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                CopyBounded(source, output, format);
            }
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        return FfmpegAudioReader.Open(ffmpeg, temp, temp, format, Options);
    }

    private Stream Seekable(Stream source, bool leaveOpen, AudioFormat format, out bool keepOpen)
    {
        if (source.CanSeek)
        {
            keepOpen = leaveOpen;
            return source;
        }

        var memory = new MemoryStream();
        CopyBounded(source, memory, format);
        memory.Position = 0;
        if (!leaveOpen)
        {
            source.Dispose();
        }

        keepOpen = false;
        return memory;
    }

    private void CopyBounded(Stream source, Stream destination, AudioFormat format)
    {
        var buffer = new byte[81920];
        long total = 0;
        int n;
        while ((n = source.Read(buffer)) > 0)
        {
            total += n;
            if (total > Options.MaxBufferedBytes)
            {
                throw new AudioDecodeException(AudioErrorKind.TooLong, $"The {format} stream is larger than the {Options.MaxBufferedBytes} bytes that may be buffered (AudioDecoderOptions.MaxBufferedBytes).", format);
            }

            destination.Write(buffer, 0, n);
        }
    }
}

/// <summary>Decoded samples in a buffer rented from <see cref="ArrayPool{T}.Shared"/>; dispose to return it.</summary>
internal sealed class RentedSamples(float[] buffer, int count, int sampleRate) : IDisposable
{
    private float[]? _buffer = buffer;

    /// <summary>The samples (valid until disposed).</summary>
    public ReadOnlySpan<float> Samples => (_buffer ?? throw new ObjectDisposedException(nameof(RentedSamples))).AsSpan(0, count);

    /// <summary>Their rate.</summary>
    public int SampleRate { get; } = sampleRate;

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } b)
        {
            ArrayPool<float>.Shared.Return(b);
        }
    }
}
