using EmotionML.Audio;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    private readonly int _extent;    // one past the last bin any filter reads

    public SparseFilterBank(float[][] dense)
    {
        _start = new int[dense.Length];
        _offset = new int[dense.Length + 1];
        var runs = new float[dense.Length][];
        for (int r = 0; r < dense.Length; r++)
        {
            var row = dense[r];
            // Loops, not Array.FindIndex and a range copy: generic methods over float that the tool JIT-compiled.
            int first = 0, last = row.Length - 1;
            while (first < row.Length && row[first] == 0)
            {
                first++;
            }

            while (last >= first && row[last] == 0)
            {
                last--;
            }

            _start[r] = first < row.Length ? first : 0;
            runs[r] = first < row.Length ? row.AsSpan(first, last - first + 1).ToArray() : [];
            _offset[r + 1] = _offset[r] + runs[r].Length;
        }

        for (int r = 0; r < runs.Length; r++)
        {
            _extent = Math.Max(_extent, _start[r] + runs[r].Length); // a loop, not LINQ: no generic to JIT at start-up
        }

        _weights = new float[_offset[^1]];
        for (int r = 0; r < runs.Length; r++)
        {
            runs[r].CopyTo(_weights, _offset[r]);
        }
    }

    public int Count => _start.Length;

    /// <summary>
    /// The bank applied to every frame of a spectrogram stored bins × frames (row-major) into a bands × frames
    /// output: one frame per vector lane, so each frame gets exactly <see cref="Apply"/>'s in-order sums.
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    public void ApplyAcrossFrames(ReadOnlySpan<float> spectrogram, int frames, Span<float> output)
    {
        if (output.Length < (long)_start.Length * frames || spectrogram.Length < (long)_extent * frames)
        {
            throw new ArgumentException("The spans are shorter than the bank and frame count need.");
        }

        ref float x0 = ref MemoryMarshal.GetReference(spectrogram);
        ref float y0 = ref MemoryMarshal.GetReference(output);
        var weights = _weights.AsSpan();
        for (int r = 0; r < _start.Length; r++)
        {
            var w = weights[_offset[r].._offset[r + 1]];
            long first = (long)_start[r] * frames;
            int t = 0;
            if (Vector256.IsHardwareAccelerated && frames >= 32)
            {
                // 32 frames at a time; the frames past the last whole block get one more block ending at the last frame
                // (overlapping the one before: each frame's sum is its own, so the overlap gets the same values again).
                for (; t <= frames - 32; t += 32)
                {
                    Frames32(w, first, frames, ref x0, ref y0, r, t);
                }

                if (t < frames)
                {
                    Frames32(w, first, frames, ref x0, ref y0, r, frames - 32);
                    t = frames;
                }
            }

            if (Vector256.IsHardwareAccelerated && frames - t >= 8)
            {
                for (; t <= frames - 8; t += 8)
                {
                    Frames8(w, first, frames, ref x0, ref y0, r, t);
                }

                if (t < frames)
                {
                    Frames8(w, first, frames, ref x0, ref y0, r, frames - 8);
                    t = frames;
                }
            }

            for (; t < frames; t++)
            {
                float acc = 0;
                for (int i = 0; i < w.Length; i++)
                {
                    acc += w[i] * spectrogram[(int)(first + (long)i * frames + t)];
                }

                output[r * frames + t] = acc;
            }
        }
    }

    /// <summary>Row <paramref name="r"/> over the 32 frames from <paramref name="t"/>, four vectors of eight.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Frames32(ReadOnlySpan<float> w, long first, int frames, ref float x0, ref float y0, int r, int t)
    {
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < w.Length; i++)
        {
            var wi = Vector256.Create(w[i]);
            nuint at = (nuint)(first + (long)i * frames + t);
            a0 += wi * Vector256.LoadUnsafe(ref x0, at);
            a1 += wi * Vector256.LoadUnsafe(ref x0, at + 8);
            a2 += wi * Vector256.LoadUnsafe(ref x0, at + 16);
            a3 += wi * Vector256.LoadUnsafe(ref x0, at + 24);
        }

        nuint to = (nuint)((long)r * frames + t);
        a0.StoreUnsafe(ref y0, to);
        a1.StoreUnsafe(ref y0, to + 8);
        a2.StoreUnsafe(ref y0, to + 16);
        a3.StoreUnsafe(ref y0, to + 24);
    }

    /// <summary>Row <paramref name="r"/> over the eight frames from <paramref name="t"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Frames8(ReadOnlySpan<float> w, long first, int frames, ref float x0, ref float y0, int r, int t)
    {
        var acc = Vector256<float>.Zero;
        for (int i = 0; i < w.Length; i++)
        {
            acc += Vector256.Create(w[i]) * Vector256.LoadUnsafe(ref x0, (nuint)(first + (long)i * frames + t));
        }

        acc.StoreUnsafe(ref y0, (nuint)((long)r * frames + t));
    }

    /// <summary>The bank applied to one spectrum: each filter's in-order sum over its run of bins.</summary>
    [MethodImpl(Kernel.Compile)]
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
