namespace EmotionML.TestData;

/// <summary>Wraps a stream so that it cannot seek (a network or pipe stream), optionally returning short reads.</summary>
public sealed class NonSeekableStream(Stream inner, int maxRead = int.MaxValue) : Stream
{
    /// <summary>Wraps bytes.</summary>
    public static NonSeekableStream Of(byte[] bytes, int maxRead = int.MaxValue) => new(new MemoryStream(bytes), maxRead);

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, maxRead));

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
