using System.Numerics.Tensors;

namespace EmotionML.Features;

/// <summary>A filter bank stored as each filter's non-zero run of weights, so applying it costs only those weights.</summary>
internal sealed class SparseFilterBank
{
    private readonly int[] _start;
    private readonly float[][] _weights;

    public SparseFilterBank(float[][] dense)
    {
        _start = new int[dense.Length];
        _weights = new float[dense.Length][];
        for (int r = 0; r < dense.Length; r++)
        {
            var row = dense[r];
            int first = Array.FindIndex(row, w => w != 0);
            int last = Array.FindLastIndex(row, w => w != 0);
            _start[r] = first < 0 ? 0 : first;
            _weights[r] = first < 0 ? [] : row[first..(last + 1)];
        }
    }

    public int Count => _weights.Length;

    public void Apply(ReadOnlySpan<float> spectrum, Span<float> output)
    {
        for (int r = 0; r < _weights.Length; r++)
        {
            var w = _weights[r];
            output[r] = w.Length == 0 ? 0f : TensorPrimitives.Dot(spectrum.Slice(_start[r], w.Length), w);
        }
    }
}
