using System.Runtime.CompilerServices;

namespace EmotionML.Audio;

/// <summary>
/// Reads decoded audio incrementally as mono float samples, so that long recordings never have to be held in
/// memory at once. Obtain one from <see cref="AudioDecoder.OpenRead(Stream, bool)"/>; dispose it when done.
/// </summary>
public abstract class AudioReader : IDisposable
{
    private bool _disposed;

    /// <summary>Samples per second of the decoded audio.</summary>
    public abstract int SampleRate { get; }

    /// <summary>Channels in the source; <see cref="Read"/> averages them to mono.</summary>
    public abstract int SourceChannels { get; }

    /// <summary>The source format.</summary>
    public abstract AudioFormat Format { get; }

    /// <summary>The number of mono samples the header declares, or <c>null</c> when the length is unknown until the end.</summary>
    public virtual long? DeclaredLength => null;

    /// <summary>True once the reader has found that the source ends before its header said it would.</summary>
    public bool IsTruncated { get; protected set; }

    /// <summary>
    /// Fills <paramref name="destination"/> with the next mono samples and returns how many were written;
    /// 0 means the end of the audio. Throws <see cref="AudioDecodeException"/> for NaN or infinite samples
    /// and for corrupt data met on the way.
    /// </summary>
    /// <param name="destination">Where to write the samples.</param>
    public int Read(Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.IsEmpty)
        {
            return 0;
        }

        int n;
        try
        {
            n = ReadCore(destination);
        }
        catch (AudioDecodeException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            throw new AudioDecodeException(AudioErrorKind.DecoderFailed, $"The {Format} decoder failed: {ex.Message}", Format, ex);
        }

        var written = destination[..n];
        if (!SpanMath.IsFiniteAll(written))
        {
            foreach (float bad in written)
            {
                if (!float.IsFinite(bad))
                {
                    throw new AudioDecodeException(AudioErrorKind.InvalidSamples, $"The {Format} audio contains a {(float.IsNaN(bad) ? "NaN" : "infinite")} sample.", Format);
                }
            }
        }

        return n;
    }

    /// <summary>Reads up to <paramref name="destination"/>.Length mono samples; 0 at the end.</summary>
    /// <param name="destination">Where to write the samples.</param>
    protected abstract int ReadCore(Span<float> destination);

    /// <summary>Releases the reader (and the stream, unless it was opened with leaveOpen).</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Dispose(true);
            GC.SuppressFinalize(this);
        }
    }

    /// <summary>Releases resources.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Averages interleaved frames into mono.</summary>
    [MethodImpl(Kernel.Compile)]
    internal static void MixToMono(ReadOnlySpan<float> interleaved, int channels, Span<float> mono)
    {
        if (channels == 1)
        {
            interleaved.CopyTo(mono);
            return;
        }

        int frames = interleaved.Length / channels;
        float scale = 1f / channels;
        for (int f = 0, i = 0; f < frames; f++)
        {
            float sum = 0;
            for (int c = 0; c < channels; c++, i++)
            {
                sum += interleaved[i];
            }

            mono[f] = sum * scale;
        }
    }
}
