namespace EmotionML.Features;

/// <summary>
/// A filter bank stored as each filter's non-zero run of weights, so applying it costs only those weights. A mel bank
/// of 128 bands over 257 bins has about two weights per bin in all, most filters only a few: each output is summed in
/// order (separate multiplies and adds), the same on every machine, where a vectorised dot product per filter cost a
/// call and a vector-width-dependent order for two to a dozen products.
/// </summary>
internal sealed class SparseFilterBank
{
    private readonly int[] _start;   // first bin of each filter's run
    private readonly int[] _offset;  // where each filter's run begins in _weights (Count + 1 entries)
    private readonly float[] _weights;

    public SparseFilterBank(float[][] dense)
    {
        _start = new int[dense.Length];
        _offset = new int[dense.Length + 1];
        var runs = new float[dense.Length][];
        for (int r = 0; r < dense.Length; r++)
        {
            var row = dense[r];
            int first = Array.FindIndex(row, w => w != 0);
            int last = Array.FindLastIndex(row, w => w != 0);
            _start[r] = first < 0 ? 0 : first;
            runs[r] = first < 0 ? [] : row[first..(last + 1)];
            _offset[r + 1] = _offset[r] + runs[r].Length;
        }

        _weights = new float[_offset[^1]];
        for (int r = 0; r < runs.Length; r++)
        {
            runs[r].CopyTo(_weights, _offset[r]);
        }
    }

    public int Count => _start.Length;

    public void Apply(ReadOnlySpan<float> spectrum, Span<float> output)
    {
        var weights = _weights.AsSpan();
        for (int r = 0; r < _start.Length; r++)
        {
            int begin = _offset[r], length = _offset[r + 1] - begin;
            var x = spectrum.Slice(_start[r], length);
            var w = weights.Slice(begin, length);
            float acc = 0;
            for (int i = 0; i < w.Length; i++)
            {
                acc += w[i] * x[i];
            }

            output[r] = acc;
        }
    }
}
