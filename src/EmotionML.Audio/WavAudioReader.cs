using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EmotionML.Audio;

/// <summary>
/// A streaming RIFF/RF64 WAVE reader. Our own rather than NAudio's <c>WaveFileReader</c>, because that one
/// needs a seekable stream and silently clamps a data chunk that is shorter than its header declares
/// (see the Audio tests). This reader takes chunks in any order (on seekable streams even a data chunk before
/// the fmt chunk), skips unknown chunks and their pad byte, reads a data chunk declared as 0 or 0xFFFFFFFF bytes
/// (streamed writers) to the end of the stream, never allocates a declared size, and reports a short data chunk
/// as <see cref="AudioErrorKind.Truncated"/>.
/// </summary>
internal sealed class WavAudioReader : AudioReader
{
    private const int MaxFmtChunkBytes = 4096;
    private const int MaxFramesPerRead = 16384;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly bool _allowTruncated;
    private readonly WavSampleEncoding _encoding;
    private readonly int _channels;
    private readonly int _bytesPerSample;
    private readonly int _frameSize;
    private readonly long? _declaredFrames;
    private long _remainingBytes; // -1: read to the end of the stream
    private byte[] _bytes = [];
    private float[] _interleaved = [];

    private WavAudioReader(Stream stream, bool leaveOpen, bool allowTruncated, WavFormat format, long dataBytes, bool truncated)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _allowTruncated = allowTruncated;
        _encoding = format.Encoding;
        _channels = format.Channels;
        SampleRate = format.SampleRate;
        _bytesPerSample = format.BytesPerSample;
        _frameSize = format.Channels * format.BytesPerSample;
        _remainingBytes = dataBytes < 0 ? -1 : dataBytes - (dataBytes % _frameSize);
        _declaredFrames = dataBytes < 0 ? null : dataBytes / _frameSize;
        IsTruncated = truncated;
    }

    public override int SampleRate { get; }

    public override int SourceChannels => _channels;

    public override AudioFormat Format => AudioFormat.Wav;

    public override long? DeclaredLength => _declaredFrames;

    /// <summary>Parses the header and positions the reader at the first sample.</summary>
    public static WavAudioReader Open(Stream stream, bool leaveOpen, AudioDecoderOptions options)
    {
        Span<byte> riff = stackalloc byte[12];
        int got = stream.ReadAtLeast(riff, 12, throwOnEndOfStream: false);
        if (got == 0)
        {
            throw Error(AudioErrorKind.Empty, "The stream is empty.");
        }

        if (got < 12)
        {
            throw Error(AudioErrorKind.Truncated, $"The WAV header is truncated: {got} of 12 RIFF header bytes.");
        }

        bool isRf64 = riff[..4].SequenceEqual("RF64"u8) || riff[..4].SequenceEqual("BW64"u8);
        if (riff[..4].SequenceEqual("RIFX"u8))
        {
            throw Error(AudioErrorKind.UnsupportedEncoding, "Big-endian WAV (RIFX) is not supported.");
        }

        if ((!riff[..4].SequenceEqual("RIFF"u8) && !isRf64) || !riff[8..12].SequenceEqual("WAVE"u8))
        {
            throw Error(AudioErrorKind.NotAudio, "The stream is not a RIFF WAVE file.");
        }

        WavFormat? format = null;
        long? ds64DataSize = null;
        long deferredDataPosition = -1;
        long deferredDataSize = 0;
        Span<byte> chunkHeader = stackalloc byte[8];
        while (true)
        {
            got = stream.ReadAtLeast(chunkHeader, 8, throwOnEndOfStream: false);
            if (got < 8)
            {
                if (format is not null && deferredDataPosition >= 0)
                {
                    stream.Position = deferredDataPosition;
                    return Start(stream, leaveOpen, options, format.Value, deferredDataSize);
                }

                throw Error(AudioErrorKind.Truncated, format is null ? "The WAV stream ends before its fmt chunk." : "The WAV stream ends before its data chunk.");
            }

            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            var id = chunkHeader[..4];
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || size > MaxFmtChunkBytes)
                {
                    throw Error(AudioErrorKind.InvalidHeader, $"The WAV fmt chunk declares {size} bytes; a valid one has 16 to {MaxFmtChunkBytes}.");
                }

                var fmt = new byte[size];
                if (stream.ReadAtLeast(fmt, fmt.Length, throwOnEndOfStream: false) < fmt.Length)
                {
                    throw Error(AudioErrorKind.Truncated, "The WAV fmt chunk is truncated.");
                }

                format = WavFormat.Parse(fmt, options);
                SkipPad(stream, size);
            }
            else if (id.SequenceEqual("ds64"u8) && isRf64)
            {
                if (size < 24 || size > MaxFmtChunkBytes)
                {
                    throw Error(AudioErrorKind.InvalidHeader, $"The RF64 ds64 chunk declares {size} bytes.");
                }

                var ds64 = new byte[size];
                if (stream.ReadAtLeast(ds64, ds64.Length, throwOnEndOfStream: false) < ds64.Length)
                {
                    throw Error(AudioErrorKind.Truncated, "The RF64 ds64 chunk is truncated.");
                }

                ulong dataSize = BinaryPrimitives.ReadUInt64LittleEndian(ds64.AsSpan(8));
                ds64DataSize = dataSize > long.MaxValue ? -1 : (long)dataSize;
                SkipPad(stream, size);
            }
            else if (id.SequenceEqual("data"u8))
            {
                long dataSize = size is 0 or uint.MaxValue ? -1 : size;
                if (isRf64 && size == uint.MaxValue && ds64DataSize is not null)
                {
                    dataSize = ds64DataSize.Value;
                }

                if (format is not null)
                {
                    return Start(stream, leaveOpen, options, format.Value, dataSize);
                }

                if (!stream.CanSeek || dataSize < 0)
                {
                    throw Error(AudioErrorKind.InvalidHeader, "The WAV data chunk comes before the fmt chunk, which can only be read from a seekable stream with a declared data size.");
                }

                deferredDataPosition = stream.Position;
                deferredDataSize = dataSize;
                if (!Skip(stream, dataSize + (dataSize & 1)))
                {
                    throw Error(AudioErrorKind.Truncated, "The WAV stream ends inside its data chunk, before any fmt chunk.");
                }
            }
            else if (!Skip(stream, size + (long)(size & 1)))
            {
                throw Error(AudioErrorKind.Truncated, $"The WAV stream ends inside a '{System.Text.Encoding.ASCII.GetString(id)}' chunk, before the audio.");
            }
        }
    }

    private static WavAudioReader Start(Stream stream, bool leaveOpen, AudioDecoderOptions options, WavFormat format, long dataSize)
    {
        bool truncated = false;
        if (dataSize >= 0 && stream.CanSeek)
        {
            long available = Math.Max(0, stream.Length - stream.Position);
            if (dataSize > available)
            {
                if (!options.AllowTruncated)
                {
                    throw Error(AudioErrorKind.Truncated, $"The WAV data chunk declares {dataSize} bytes but only {available} follow (set AllowTruncated to decode what is there).");
                }

                truncated = true;
                dataSize = available;
            }
        }

        return new WavAudioReader(stream, leaveOpen, options.AllowTruncated, format, dataSize, truncated);
    }

    protected override int ReadCore(Span<float> destination)
    {
        if (_remainingBytes == 0)
        {
            return 0;
        }

        int frames = Math.Min(destination.Length, MaxFramesPerRead);
        long wantBytes = (long)frames * _frameSize;
        if (_remainingBytes > 0)
        {
            wantBytes = Math.Min(wantBytes, _remainingBytes);
        }

        if (_bytes.Length < wantBytes)
        {
            // Rented (returned on Dispose) and no larger than the data needs: a short clip's decode allocates nothing
            // here; mono samples are converted straight into the destination.
            long frameBudget = Math.Min(MaxFramesPerRead, Math.Max(frames, _declaredFrames ?? MaxFramesPerRead));
            ReturnBuffers();
            _bytes = ArrayPool<byte>.Shared.Rent((int)(frameBudget * _frameSize));
            _interleaved = _channels == 1 ? [] : ArrayPool<float>.Shared.Rent((int)(frameBudget * _channels));
        }

        int want = (int)wantBytes;
        int got = _stream.ReadAtLeast(_bytes.AsSpan(0, want), want, throwOnEndOfStream: false);
        if (got < want)
        {
            if (_remainingBytes > 0)
            {
                if (!_allowTruncated)
                {
                    throw Error(AudioErrorKind.Truncated, $"The WAV stream ends {_remainingBytes - got} bytes before the end its data chunk declares (set AllowTruncated to decode what is there).");
                }

                IsTruncated = true;
            }

            _remainingBytes = 0;
        }
        else if (_remainingBytes > 0)
        {
            _remainingBytes -= got;
        }

        int frameCount = got / _frameSize;
        int sampleCount = frameCount * _channels;
        if (_channels == 1)
        {
            Convert(_bytes.AsSpan(0, frameCount * _frameSize), destination[..frameCount]);
            return frameCount;
        }

        Convert(_bytes.AsSpan(0, frameCount * _frameSize), _interleaved.AsSpan(0, sampleCount));
        MixToMono(_interleaved.AsSpan(0, sampleCount), _channels, destination);
        return frameCount;
    }

    /// <summary>
    /// 16-bit PCM to [-1, 1): v / 32768, sixteen samples at a time where vectors are available (the most common WAV;
    /// multiplying by 2^-15 gives exactly the quotient).
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    private static void ConvertPcm16(ReadOnlySpan<short> pcm, Span<float> samples)
    {
        const float scale = 1f / 32768f;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && pcm.Length >= samples.Length)
        {
            ref short source = ref MemoryMarshal.GetReference(pcm);
            ref float target = ref MemoryMarshal.GetReference(samples);
            for (; i <= samples.Length - Vector256<short>.Count; i += Vector256<short>.Count)
            {
                var block = Vector256.LoadUnsafe(ref source, (nuint)i);
                var lower = Vector256.WidenLower(block);
                var upper = Vector256.WidenUpper(block);
                (Vector256.ConvertToSingle(lower) * scale).StoreUnsafe(ref target, (nuint)i);
                (Vector256.ConvertToSingle(upper) * scale).StoreUnsafe(ref target, (nuint)(i + Vector256<int>.Count));
            }
        }

        for (; i < samples.Length; i++)
        {
            samples[i] = pcm[i] / 32768f;
        }
    }

    private void Convert(ReadOnlySpan<byte> bytes, Span<float> samples)
    {
        switch (_encoding)
        {
            case WavSampleEncoding.Pcm8:
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = (bytes[i] - 128) / 128f;
                }

                break;
            case WavSampleEncoding.Pcm16:
                ConvertPcm16(MemoryMarshal.Cast<byte, short>(bytes), samples);
                break;
            case WavSampleEncoding.Pcm24:
                for (int i = 0, b = 0; i < samples.Length; i++, b += 3)
                {
                    int v = (bytes[b] << 8) | (bytes[b + 1] << 16) | (bytes[b + 2] << 24);
                    samples[i] = (v >> 8) / 8388608f;
                }

                break;
            case WavSampleEncoding.Pcm32:
                var s32 = MemoryMarshal.Cast<byte, int>(bytes);
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = (float)(s32[i] / 2147483648.0);
                }

                break;
            case WavSampleEncoding.Float32:
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(samples);
                break;
            case WavSampleEncoding.Float64:
                var f64 = MemoryMarshal.Cast<byte, double>(bytes);
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = (float)f64[i];
                }

                break;
            case WavSampleEncoding.ALaw:
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = G711.ALawToLinear(bytes[i]) / 32768f;
                }

                break;
            case WavSampleEncoding.MuLaw:
                for (int i = 0; i < samples.Length; i++)
                {
                    samples[i] = G711.MuLawToLinear(bytes[i]) / 32768f;
                }

                break;
        }
    }

    private static void SkipPad(Stream stream, uint size)
    {
        if ((size & 1) == 1)
        {
            Skip(stream, 1);
        }
    }

    /// <summary>Skips bytes without allocating their declared size; false when the stream ends first.</summary>
    private static bool Skip(Stream stream, long count)
    {
        if (count <= 0)
        {
            return true;
        }

        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (count > remaining)
            {
                stream.Position = stream.Length;
                return false;
            }

            stream.Position += count;
            return true;
        }

        Span<byte> scratch = stackalloc byte[4096];
        while (count > 0)
        {
            int n = stream.Read(scratch[..(int)Math.Min(scratch.Length, count)]);
            if (n == 0)
            {
                return false;
            }

            count -= n;
        }

        return true;
    }

    internal static AudioDecodeException Error(AudioErrorKind kind, string message) => new(kind, message, AudioFormat.Wav);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ReturnBuffers();
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }

    private void ReturnBuffers()
    {
        if (_bytes.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
        }

        if (_interleaved.Length > 0)
        {
            ArrayPool<float>.Shared.Return(_interleaved);
        }

        _bytes = [];
        _interleaved = [];
    }
}
