using EmotionML.Audio;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EmotionML.Features;

/// <summary>
/// Projections of frame-level matrices (the DCT of MFCC, the chroma filter bank) computed across frames: one frame per
/// vector lane, each output the sum over the inner index in order, as separate multiplies and adds. Every frame thus
/// gets the same arithmetic at any vector width (AVX-512, AVX2, none), unlike one dot product per frame and output
/// row, whose summation order follows the machine's vector width (AVX-512 machines take 512-bit tiles of the same sums); and a whole clip costs a few passes over cached
/// data instead of a call per frame and row (4,520 dot products of 128 for the MFCC of a 3.6 s clip at the default hop of 512).
/// </summary>
internal static class FrameProjection
{
    /// <summary>
    /// <c>output[r, t] = Σ_i weights[r, i] · input[i, t]</c> (i ascending) for row-major <paramref name="weights"/>
    /// (<paramref name="rows"/> × <paramref name="inner"/>), <paramref name="input"/> (<paramref name="inner"/> ×
    /// <paramref name="frames"/>) and <paramref name="output"/> (<paramref name="rows"/> × <paramref name="frames"/>).
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    public static void Project(ReadOnlySpan<float> weights, int rows, int inner, ReadOnlySpan<float> input, int frames, Span<float> output)
    {
        if (weights.Length < rows * inner || input.Length < (long)inner * frames || output.Length < (long)rows * frames)
        {
            throw new ArgumentException("The spans are shorter than the shapes given.");
        }

        ref float w0 = ref MemoryMarshal.GetReference(weights);
        ref float x0 = ref MemoryMarshal.GetReference(input);
        ref float y0 = ref MemoryMarshal.GetReference(output);
        int t = 0;
        if (WideVectors.Accelerated)
        {
            t = ProjectWide(ref w0, rows, inner, ref x0, frames, ref y0);
        }

        if (Vector256.IsHardwareAccelerated && frames - t >= 2 * Vector256<float>.Count)
        {
            // Tiles of four rows by sixteen frames: each input vector loaded once serves four rows, and a tile's
            // slice of the input (inner × 16 floats: 64 KB for chroma's 1,025 bins) is read once per four rows. The
            // frames past the last whole tile are covered by one more tile ending at the last frame, overlapping the
            // one before: a frame's sums do not depend on its neighbours, so the overlap gets the same values again.
            for (; t <= frames - 2 * Vector256<float>.Count; t += 2 * Vector256<float>.Count)
            {
                Window256(ref w0, rows, inner, ref x0, frames, ref y0, t);
            }

            if (t < frames)
            {
                Window256(ref w0, rows, inner, ref x0, frames, ref y0, frames - 2 * Vector256<float>.Count);
                t = frames;
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; t <= frames - Vector256<float>.Count; t += Vector256<float>.Count)
            {
                for (int r = 0; r < rows; r++)
                {
                    ref float w = ref Unsafe.Add(ref w0, r * inner);
                    var acc = Vector256<float>.Zero;
                    for (int i = 0; i < inner; i++)
                    {
                        acc += Vector256.Create(Unsafe.Add(ref w, i)) * Vector256.LoadUnsafe(ref x0, (nuint)((long)i * frames + t));
                    }

                    acc.StoreUnsafe(ref y0, (nuint)((long)r * frames + t));
                }
            }
        }

        for (; t < frames; t++)
        {
            for (int r = 0; r < rows; r++)
            {
                float acc = 0;
                for (int i = 0; i < inner; i++)
                {
                    acc += weights[r * inner + i] * input[i * frames + t];
                }

                output[r * frames + t] = acc;
            }
        }
    }

    /// <summary>Every row of the sixteen frames from <paramref name="t"/>: four rows at a time, then one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Window256(ref float w0, int rows, int inner, ref float x0, int frames, ref float y0, int t)
    {
        int r = 0;
        for (; r <= rows - 4; r += 4)
        {
            Tile4(ref Unsafe.Add(ref w0, r * inner), inner, ref Unsafe.Add(ref x0, t), frames, ref Unsafe.Add(ref y0, r * frames + t));
        }

        for (; r < rows; r++)
        {
            ref float w = ref Unsafe.Add(ref w0, r * inner);
            Vector256<float> a0 = Vector256<float>.Zero, a1 = a0;
            for (int i = 0; i < inner; i++)
            {
                var wi = Vector256.Create(Unsafe.Add(ref w, i));
                ref float row = ref Unsafe.Add(ref x0, (nint)i * frames + t);
                a0 += wi * Vector256.LoadUnsafe(ref row);
                a1 += wi * Vector256.LoadUnsafe(ref row, 8);
            }

            a0.StoreUnsafe(ref y0, (nuint)((long)r * frames + t));
            a1.StoreUnsafe(ref y0, (nuint)((long)r * frames + t + 8));
        }
    }

    /// <summary>
    /// The 512-bit tiles of <see cref="Project"/> (four rows by thirty-two frames): the frames before the returned one
    /// are done (all of them, or none when there are fewer than 32).
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    private static int ProjectWide(ref float w0, int rows, int inner, ref float x0, int frames, ref float y0)
    {
        // The same tiles on 512-bit vectors (four rows by thirty-two frames), the last one ending at the last frame as
        // in Project; fewer than 32 frames are left to the 256-bit tiles.
        if (frames < 2 * Vector512<float>.Count)
        {
            return 0;
        }

        int t = 0;
        for (; t <= frames - 2 * Vector512<float>.Count; t += 2 * Vector512<float>.Count)
        {
            Window512(ref w0, rows, inner, ref x0, frames, ref y0, t);
        }

        if (t < frames)
        {
            Window512(ref w0, rows, inner, ref x0, frames, ref y0, frames - 2 * Vector512<float>.Count);
        }

        return frames;
    }

    /// <summary>Every row of the thirty-two frames from <paramref name="t"/>: four rows at a time, then one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Window512(ref float w0, int rows, int inner, ref float x0, int frames, ref float y0, int t)
    {
        int r = 0;
        for (; r <= rows - 4; r += 4)
        {
            Tile4Wide(ref Unsafe.Add(ref w0, r * inner), inner, ref Unsafe.Add(ref x0, t), frames, ref Unsafe.Add(ref y0, r * frames + t));
        }

        for (; r < rows; r++)
        {
            ref float w = ref Unsafe.Add(ref w0, r * inner);
            Vector512<float> a0 = Vector512<float>.Zero, a1 = a0;
            for (int i = 0; i < inner; i++)
            {
                var wi = Vector512.Create(Unsafe.Add(ref w, i));
                ref float row = ref Unsafe.Add(ref x0, (nint)i * frames + t);
                a0 += wi * Vector512.LoadUnsafe(ref row);
                a1 += wi * Vector512.LoadUnsafe(ref row, 16);
            }

            a0.StoreUnsafe(ref y0, (nuint)((long)r * frames + t));
            a1.StoreUnsafe(ref y0, (nuint)((long)r * frames + t + 16));
        }
    }

    /// <summary>Four output rows over sixteen frames: eight independent accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4(ref float w, int inner, ref float x, int frames, ref float y)
    {
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
        ref float w1 = ref Unsafe.Add(ref w, inner);
        ref float w2 = ref Unsafe.Add(ref w, 2 * inner);
        ref float w3 = ref Unsafe.Add(ref w, 3 * inner);
        for (int i = 0; i < inner; i++)
        {
            ref float row = ref Unsafe.Add(ref x, (nint)i * frames);
            var x0 = Vector256.LoadUnsafe(ref row);
            var x1 = Vector256.LoadUnsafe(ref row, 8);
            var wa = Vector256.Create(Unsafe.Add(ref w, i));
            a0 += wa * x0;
            a1 += wa * x1;
            var wb = Vector256.Create(Unsafe.Add(ref w1, i));
            b0 += wb * x0;
            b1 += wb * x1;
            var wc = Vector256.Create(Unsafe.Add(ref w2, i));
            c0 += wc * x0;
            c1 += wc * x1;
            var wd = Vector256.Create(Unsafe.Add(ref w3, i));
            d0 += wd * x0;
            d1 += wd * x1;
        }

        a0.StoreUnsafe(ref y);
        a1.StoreUnsafe(ref y, 8);
        ref float y1 = ref Unsafe.Add(ref y, frames);
        b0.StoreUnsafe(ref y1);
        b1.StoreUnsafe(ref y1, 8);
        ref float y2 = ref Unsafe.Add(ref y, 2 * frames);
        c0.StoreUnsafe(ref y2);
        c1.StoreUnsafe(ref y2, 8);
        ref float y3 = ref Unsafe.Add(ref y, 3 * frames);
        d0.StoreUnsafe(ref y3);
        d1.StoreUnsafe(ref y3, 8);
    }

    /// <summary><see cref="Tile4"/> on 512-bit vectors: four output rows over thirty-two frames.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile4Wide(ref float w, int inner, ref float x, int frames, ref float y)
    {
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
        ref float w1 = ref Unsafe.Add(ref w, inner);
        ref float w2 = ref Unsafe.Add(ref w, 2 * inner);
        ref float w3 = ref Unsafe.Add(ref w, 3 * inner);
        for (int i = 0; i < inner; i++)
        {
            ref float row = ref Unsafe.Add(ref x, (nint)i * frames);
            var x0 = Vector512.LoadUnsafe(ref row);
            var x1 = Vector512.LoadUnsafe(ref row, 16);
            var wa = Vector512.Create(Unsafe.Add(ref w, i));
            a0 += wa * x0;
            a1 += wa * x1;
            var wb = Vector512.Create(Unsafe.Add(ref w1, i));
            b0 += wb * x0;
            b1 += wb * x1;
            var wc = Vector512.Create(Unsafe.Add(ref w2, i));
            c0 += wc * x0;
            c1 += wc * x1;
            var wd = Vector512.Create(Unsafe.Add(ref w3, i));
            d0 += wd * x0;
            d1 += wd * x1;
        }

        a0.StoreUnsafe(ref y);
        a1.StoreUnsafe(ref y, 16);
        ref float y1 = ref Unsafe.Add(ref y, frames);
        b0.StoreUnsafe(ref y1);
        b1.StoreUnsafe(ref y1, 16);
        ref float y2 = ref Unsafe.Add(ref y, 2 * frames);
        c0.StoreUnsafe(ref y2);
        c1.StoreUnsafe(ref y2, 16);
        ref float y3 = ref Unsafe.Add(ref y, 3 * frames);
        d0.StoreUnsafe(ref y3);
        d1.StoreUnsafe(ref y3, 16);
    }
}
