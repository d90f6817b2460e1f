using NLayer;

namespace EmotionML.Audio;

/// <summary>
/// MPEG audio through NLayer, made gapless: NLayer neither removes the decoder delay (529 samples) nor the
/// encoder delay and padding that LAME records in its Xing/Info header, so this reader reads that header and
/// trims both, as ffmpeg does. Without such a header only the decoder delay is removed.
/// </summary>
internal sealed class Mp3AudioReader : AudioReader
{
    /// <summary>The output delay of an MPEG layer III decoder's synthesis filter bank, in samples.</summary>
    internal const int DecoderDelay = 529;

    private readonly MpegFile _mpeg;
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _channels;
    private long _toSkip;
    private long _remaining; // -1: unknown
    private float[] _interleaved = [];

    private Mp3AudioReader(Stream stream, bool leaveOpen, MpegFile mpeg, LameGaplessInfo? gapless)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _mpeg = mpeg;
        _channels = mpeg.Channels;
        SampleRate = mpeg.SampleRate;
        _toSkip = DecoderDelay + (gapless?.EncoderDelay ?? 0);
        _remaining = gapless is { } g && g.TotalSamples > 0 ? Math.Max(0, g.TotalSamples - g.EncoderDelay - g.EncoderPadding) : -1;
    }

    public override int SampleRate { get; }

    public override int SourceChannels => _channels;

    public override AudioFormat Format => AudioFormat.Mp3;

    public override long? DeclaredLength => _remaining >= 0 ? _remaining : null;

    public static Mp3AudioReader Open(Stream seekable, bool leaveOpen, AudioDecoderOptions options)
    {
        long start = seekable.Position;
        Span<byte> id3 = stackalloc byte[10];
        if (seekable.ReadAtLeast(id3, 10, throwOnEndOfStream: false) == 10 && id3[..3].SequenceEqual("ID3"u8))
        {
            // NLayer allocates an ID3 tag's declared size up front: refuse sizes the stream cannot hold.
            long size = (id3[6] & 0x7F) << 21 | (id3[7] & 0x7F) << 14 | (id3[8] & 0x7F) << 7 | (id3[9] & 0x7F);
            if ((id3[6] | id3[7] | id3[8] | id3[9]) > 0x7F || size > seekable.Length - start - 10)
            {
                throw new AudioDecodeException(AudioErrorKind.InvalidHeader, $"The MP3 ID3v2 tag declares {size} bytes, more than the stream holds.", AudioFormat.Mp3);
            }
        }

        seekable.Position = start;
        var gapless = LameGaplessInfo.Read(seekable);
        seekable.Position = start;
        MpegFile mpeg;
        try
        {
            mpeg = new MpegFile(seekable);
            _ = mpeg.SampleRate;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new AudioDecodeException(AudioErrorKind.DecoderFailed, $"NLayer could not read the MP3 stream: {ex.Message}", AudioFormat.Mp3, ex);
        }

        if (mpeg.Channels < 1 || mpeg.SampleRate < options.MinSampleRate || mpeg.SampleRate > options.MaxSampleRate)
        {
            mpeg.Dispose();
            throw new AudioDecodeException(AudioErrorKind.InvalidHeader, $"The MP3 stream declares {mpeg.Channels} channels at {mpeg.SampleRate} Hz.", AudioFormat.Mp3);
        }

        return new Mp3AudioReader(seekable, leaveOpen, mpeg, gapless);
    }

    protected override int ReadCore(Span<float> destination)
    {
        while (true)
        {
            if (_remaining == 0)
            {
                return 0;
            }

            int frames = Math.Min(destination.Length, 8192);
            if (_remaining > 0)
            {
                frames = (int)Math.Min(frames, _remaining);
            }

            int want = frames * _channels;
            if (_interleaved.Length < want)
            {
                _interleaved = new float[8192 * _channels];
            }

            int got = _mpeg.ReadSamples(_interleaved.AsSpan(0, want));
            int gotFrames = got / _channels;
            if (gotFrames == 0)
            {
                return 0;
            }

            int skip = (int)Math.Min(_toSkip, gotFrames);
            _toSkip -= skip;
            int keep = gotFrames - skip;
            if (keep == 0)
            {
                continue;
            }

            if (_remaining > 0)
            {
                keep = (int)Math.Min(keep, _remaining);
                _remaining -= keep;
            }

            MixToMono(_interleaved.AsSpan(skip * _channels, keep * _channels), _channels, destination);
            return keep;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _mpeg.Dispose();
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }
}
