namespace EmotionML.Audio;

/// <summary>
/// An <see cref="AudioReader"/> that resamples another as it is read, as NAudio's resampling sample providers do:
/// each source sample is read and filtered once, with the filter's state carried from one read to the next, so a
/// long recording read window by window has no edge effects at window boundaries and costs no more than resampling
/// it whole. The output is sample for sample what <see cref="PolyphaseResampler.Resample(ReadOnlySpan{float})"/>
/// gives for the whole signal. Memory: the filter's span of source samples plus one read's worth.
/// </summary>
public sealed class ResamplingAudioReader : AudioReader
{
    private const int ChunkSize = 8192;
    private readonly AudioReader _source;
    private readonly PolyphaseResampler _resampler;
    private float[] _buffer = new float[2 * ChunkSize]; // source samples from index _bufferStart on
    private long _bufferStart;
    private int _buffered;
    private long _sourceRead; // source samples read so far
    private bool _sourceEnded;
    private long _next; // the next output sample

    /// <summary>Resamples <paramref name="source"/> to <paramref name="outputRate"/>.</summary>
    /// <param name="source">The reader to resample; disposed with this one.</param>
    /// <param name="outputRate">Samples per second wanted.</param>
    /// <param name="quality">The resampling filter.</param>
    public ResamplingAudioReader(AudioReader source, int outputRate, ResamplerQuality quality = ResamplerQuality.High)
        : this(source, PolyphaseResampler.Create((source ?? throw new ArgumentNullException(nameof(source))).SampleRate, outputRate, quality))
    {
    }

    internal ResamplingAudioReader(AudioReader source, PolyphaseResampler resampler)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (resampler.InputRate != source.SampleRate)
        {
            throw new ArgumentException($"The resampler expects {resampler.InputRate} Hz; the source is {source.SampleRate} Hz.", nameof(resampler));
        }

        _source = source;
        _resampler = resampler;
    }

    /// <inheritdoc />
    public override int SampleRate => _resampler.OutputRate;

    /// <inheritdoc />
    public override int SourceChannels => _source.SourceChannels;

    /// <inheritdoc />
    public override AudioFormat Format => _source.Format;

    /// <inheritdoc />
    public override long? DeclaredLength => _source.DeclaredLength is { } n ? _resampler.OutputLength(n) : null;

    /// <inheritdoc />
    protected override int ReadCore(Span<float> destination)
    {
        if (_resampler.Up == _resampler.Down)
        {
            return _source.Read(destination); // same rate: nothing to do (as the whole-signal path)
        }

        int written = 0;
        while (written < destination.Length)
        {
            var (first, last) = _resampler.InputSpan(_next);

            // Read until the last source sample this output needs is in the buffer, or the source has ended.
            while (!_sourceEnded && last >= _sourceRead)
            {
                // Phases differ in length by at most one tap, so no later output reaches back before first - 1.
                Fill(Math.Max(0, first - 1));
            }

            if (_sourceEnded && _next >= _resampler.OutputLength(_sourceRead))
            {
                break;
            }

            long n = _sourceEnded ? _sourceRead : long.MaxValue;
            destination[written++] = _resampler.OutputAt(_next, _buffer.AsSpan(0, _buffered), _bufferStart, n);
            _next++;
        }

        IsTruncated = _source.IsTruncated;
        return written;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _source.Dispose();
        }
    }

    /// <summary>Drops source samples before <paramref name="keepFrom"/> and reads one more chunk.</summary>
    private void Fill(long keepFrom)
    {
        int drop = (int)Math.Clamp(keepFrom - _bufferStart, 0, _buffered);
        if (drop > 0)
        {
            Array.Copy(_buffer, drop, _buffer, 0, _buffered - drop);
            _buffered -= drop;
            _bufferStart += drop;
        }

        if (_buffer.Length - _buffered < ChunkSize)
        {
            Array.Resize(ref _buffer, Math.Max(2 * _buffer.Length, _buffered + ChunkSize));
        }

        int read = _source.Read(_buffer.AsSpan(_buffered, ChunkSize));
        _buffered += read;
        _sourceRead += read;
        _sourceEnded = read == 0;
    }
}
