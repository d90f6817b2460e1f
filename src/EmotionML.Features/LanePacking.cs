using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmotionML.Features;

/// <summary>
/// Appends the selected lanes of an eight-float vector to an array, in lane order, without a branch (AVX2's lane
/// permutation, one table row per 8-bit mask): the kernels that keep a few scattered values of a long span
/// (spectral contrast's candidates, the tuning estimate's peaks) read them this way.
/// </summary>
internal static class LanePacking
{
    /// <summary>For each 8-bit lane mask, the selected lanes' indices first, in order (256 × 8 entries).</summary>
    private static readonly int[] Order = CreateOrder();

    /// <summary>
    /// Writes the lanes of <paramref name="v"/> that <paramref name="bits"/> marks (bit i for lane i), in lane order,
    /// at <paramref name="count"/> (all eight lanes are written, so eight floats must fit there), and advances the
    /// count by the selected ones. Needs <see cref="Avx2"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Pack(Vector256<float> v, uint bits, ref float target, ref int count)
    {
        var order = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(Order), bits * 8);
        Avx2.PermuteVar8x32(v, order).StoreUnsafe(ref target, (nuint)count);
        count += BitOperations.PopCount(bits);
    }

    private static int[] CreateOrder()
    {
        var order = new int[256 * 8];
        for (int mask = 0; mask < 256; mask++)
        {
            int next = 0;
            for (int lane = 0; lane < 8; lane++)
            {
                if ((mask & (1 << lane)) != 0)
                {
                    order[mask * 8 + next++] = lane;
                }
            }
        }

        return order;
    }
}
