namespace EmotionML.Features;

/// <summary>A frame-level feature: <see cref="Rows"/> values (coefficients, bands, bins) for each of <see cref="Frames"/> frames, stored row-major.</summary>
public sealed class FeatureMatrix
{
    /// <summary>Creates a zero matrix.</summary>
    /// <param name="rows">Rows (coefficients).</param>
    /// <param name="frames">Frames (time).</param>
    public FeatureMatrix(int rows, int frames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        Rows = rows;
        Frames = frames;
        Data = new float[(long)rows * frames];
    }

    /// <summary>
    /// A zero matrix over <paramref name="storage"/> (at least rows × frames long, reused from call to call by
    /// <see cref="MatrixArena"/>); only internal code that never hands the matrix out, and never reads
    /// <see cref="Data"/>'s length, uses it: <see cref="Values"/> is the matrix.
    /// </summary>
    internal FeatureMatrix(int rows, int frames, float[] storage)
    {
        Rows = rows;
        Frames = frames;
        Data = storage;
        Values.Clear();
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of frames.</summary>
    public int Frames { get; }

    /// <summary>The values, row after row.</summary>
    public float[] Data { get; }

    /// <summary>The rows × frames values (all of <see cref="Data"/> unless the storage is reused).</summary>
    internal Span<float> Values => Data.AsSpan(0, Rows * Frames);

    /// <summary>The value of a row at a frame.</summary>
    /// <param name="row">Row index.</param>
    /// <param name="frame">Frame index.</param>
    public float this[int row, int frame]
    {
        get => Data[(long)row * Frames + frame];
        set => Data[(long)row * Frames + frame] = value;
    }

    /// <summary>One row over all frames.</summary>
    /// <param name="row">Row index.</param>
    public Span<float> Row(int row) => Data.AsSpan(row * Frames, Frames);
}
