using EmotionML.Audio;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmotionML.Features;

/// <summary>
/// Writes frames, computed one after another as rows of bins, into a bins × frames matrix, eight frames at a time
/// through 8 × 8 register transposes. Storing each frame's 1,025 bins on its own touches 1,025 cache lines per frame,
/// one float each; eight frames together write 32 contiguous bytes per line. Moves values only: the matrix is the
/// same as element-by-element stores give.
/// </summary>
internal static class ColumnTranspose
{
    /// <summary>Frames per block.</summary>
    public const int Block = 8;

    /// <summary>
    /// Stores <paramref name="count"/> (at most <see cref="Block"/>) frames held row after row in
    /// <paramref name="rows"/> (frame j at j × <paramref name="bins"/>) into columns <paramref name="first"/> ..
    /// <paramref name="first"/> + count - 1 of <paramref name="matrix"/> (bins × <paramref name="frames"/>, row-major).
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    public static void Store(ReadOnlySpan<float> rows, int count, int bins, Span<float> matrix, int frames, int first)
    {
        if ((uint)count > Block || rows.Length < count * bins || first < 0 || first + count > frames || matrix.Length < (long)bins * frames)
        {
            throw new ArgumentException("The block does not fit the matrix.");
        }

        int k = 0;
        if (count == Block && Avx.IsSupported)
        {
            ref float r0 = ref MemoryMarshal.GetReference(rows);
            ref float m0 = ref MemoryMarshal.GetReference(matrix);
            for (; k <= bins - 8; k += 8)
            {
                Transpose8(ref Unsafe.Add(ref r0, k), bins, ref Unsafe.Add(ref m0, (nint)k * frames + first), frames);
            }
        }

        for (; k < bins; k++)
        {
            for (int j = 0; j < count; j++)
            {
                matrix[k * frames + first + j] = rows[j * bins + k];
            }
        }
    }

    /// <summary>An 8 × 8 block: row j of the source (stride <paramref name="sourceStride"/>) becomes column j of the destination.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | Kernel.Compile)]
    internal static void Transpose8(ref float source, int sourceStride, ref float destination, int destinationStride)
    {
        var a0 = Vector256.LoadUnsafe(ref source);
        var a1 = Vector256.LoadUnsafe(ref source, (nuint)sourceStride);
        var a2 = Vector256.LoadUnsafe(ref source, (nuint)(2 * sourceStride));
        var a3 = Vector256.LoadUnsafe(ref source, (nuint)(3 * sourceStride));
        var a4 = Vector256.LoadUnsafe(ref source, (nuint)(4 * sourceStride));
        var a5 = Vector256.LoadUnsafe(ref source, (nuint)(5 * sourceStride));
        var a6 = Vector256.LoadUnsafe(ref source, (nuint)(6 * sourceStride));
        var a7 = Vector256.LoadUnsafe(ref source, (nuint)(7 * sourceStride));

        // Pairs of rows interleaved, then pairs of pairs, then the 128-bit halves exchanged.
        var t0 = Avx.UnpackLow(a0, a1);
        var t1 = Avx.UnpackHigh(a0, a1);
        var t2 = Avx.UnpackLow(a2, a3);
        var t3 = Avx.UnpackHigh(a2, a3);
        var t4 = Avx.UnpackLow(a4, a5);
        var t5 = Avx.UnpackHigh(a4, a5);
        var t6 = Avx.UnpackLow(a6, a7);
        var t7 = Avx.UnpackHigh(a6, a7);
        var s0 = Avx.Shuffle(t0, t2, 0x44);
        var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44);
        var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44);
        var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44);
        var s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(s0, s4, 0x20).StoreUnsafe(ref destination);
        Avx.Permute2x128(s1, s5, 0x20).StoreUnsafe(ref destination, (nuint)destinationStride);
        Avx.Permute2x128(s2, s6, 0x20).StoreUnsafe(ref destination, (nuint)(2 * destinationStride));
        Avx.Permute2x128(s3, s7, 0x20).StoreUnsafe(ref destination, (nuint)(3 * destinationStride));
        Avx.Permute2x128(s0, s4, 0x31).StoreUnsafe(ref destination, (nuint)(4 * destinationStride));
        Avx.Permute2x128(s1, s5, 0x31).StoreUnsafe(ref destination, (nuint)(5 * destinationStride));
        Avx.Permute2x128(s2, s6, 0x31).StoreUnsafe(ref destination, (nuint)(6 * destinationStride));
        Avx.Permute2x128(s3, s7, 0x31).StoreUnsafe(ref destination, (nuint)(7 * destinationStride));
    }
}
