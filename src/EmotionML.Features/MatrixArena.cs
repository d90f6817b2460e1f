namespace EmotionML.Features;

/// <summary>
/// Storage for the frame-level matrices of one analysis that is pooled at once (<see cref="FrameAnalyzer.AnalyzeAndPool"/>),
/// kept in a workspace and reused from clip to clip: a clip's matrices (about 110 KB for 3.6 s) were most of a
/// prediction's garbage. Matrices are taken in the same order on every call, so each slot settles at the size its
/// feature needs. A matrix larger than <see cref="MaxFloats"/> (a recording over about a minute) gets its own array,
/// so a workspace never keeps a long recording's memory alive.
/// </summary>
internal sealed class MatrixArena
{
    /// <summary>The largest matrix kept for reuse, in floats (1 MB); also the largest scratch copy the analysis rents.</summary>
    public const int MaxFloats = 1 << 18;

    private readonly List<float[]> _slots = [];
    private int _next;

    /// <summary>Starts a new analysis: every slot is free again.</summary>
    public void Reset() => _next = 0;

    /// <summary>A zero matrix, over a reused slot when it is small enough.</summary>
    public FeatureMatrix Take(int rows, int frames)
    {
        long size = (long)rows * frames;
        if (size > MaxFloats)
        {
            return new FeatureMatrix(rows, frames);
        }

        if (_next == _slots.Count)
        {
            _slots.Add([]);
        }

        var storage = _slots[_next];
        if (storage.Length < size)
        {
            // A little headroom, so that a slightly longer clip next time does not allocate again.
            storage = new float[Math.Min(MaxFloats, size + size / 4)];
            _slots[_next] = storage;
        }

        _next++;
        return new FeatureMatrix(rows, frames, storage);
    }
}
