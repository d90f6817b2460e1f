using NVorbis;

namespace EmotionML.Audio;

/// <summary>Ogg Vorbis through NVorbis, which streams without needing to seek.</summary>
internal sealed class VorbisAudioReader : AudioReader
{
    private readonly VorbisReader _vorbis;
    private readonly int _channels;
    private float[] _interleaved = [];

    private VorbisAudioReader(VorbisReader vorbis)
    {
        _vorbis = vorbis;
        _channels = vorbis.Channels;
        SampleRate = vorbis.SampleRate;
    }

    public override int SampleRate { get; }

    public override int SourceChannels => _channels;

    public override AudioFormat Format => AudioFormat.OggVorbis;

    public static VorbisAudioReader Open(Stream stream, bool leaveOpen, AudioDecoderOptions options)
    {
        VorbisReader vorbis;
        try
        {
            vorbis = new VorbisReader(stream, closeOnDispose: !leaveOpen);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new AudioDecodeException(AudioErrorKind.DecoderFailed, $"NVorbis could not read the Ogg Vorbis stream: {ex.Message}", AudioFormat.OggVorbis, ex);
        }

        if (vorbis.Channels < 1 || vorbis.SampleRate < options.MinSampleRate || vorbis.SampleRate > options.MaxSampleRate)
        {
            vorbis.Dispose();
            throw new AudioDecodeException(AudioErrorKind.InvalidHeader, $"The Ogg Vorbis stream declares {vorbis.Channels} channels at {vorbis.SampleRate} Hz.", AudioFormat.OggVorbis);
        }

        return new VorbisAudioReader(vorbis);
    }

    protected override int ReadCore(Span<float> destination)
    {
        int frames = Math.Min(destination.Length, 8192);
        int want = frames * _channels;
        if (_interleaved.Length < want)
        {
            _interleaved = new float[8192 * _channels];
        }

        int got = _vorbis.ReadSamples(_interleaved.AsSpan(0, want)) / _channels;
        MixToMono(_interleaved.AsSpan(0, got * _channels), _channels, destination);
        return got;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _vorbis.Dispose();
        }
    }
}
