using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EmotionML.Audio;

/// <summary>
/// The element-wise span operations, minimum/maximum reductions and finiteness check of the decoding and feature
/// path, in place of <c>TensorPrimitives</c>'s (here, in the lowest project, so that both use one implementation).
/// Why our own: each <c>TensorPrimitives</c> operation is a generic instantiation that ReadyToRun cannot precompile
/// outside its assembly, so the published tool JIT-compiled two to four large methods per
/// operation on its first clip (about 2 ms each; the first contrast computation, with five such operations, took 40 ms
/// of CPU). These loops are precompiled. Every result is the same bit for bit: each element is one IEEE operation
/// (rounded once, as <c>TensorPrimitives</c> does it), and a minimum or maximum does not depend on the order of reading.
/// Sums and dot products, whose rounding depends on the order, and logarithms stay with <c>TensorPrimitives</c>.
/// </summary>
internal static class SpanMath
{
    /// <summary>The largest value (IEEE maximum: NaN if any is NaN).</summary>
    public static float Max(ReadOnlySpan<float> x) => Reduce(x, largest: true);

    /// <summary>The smallest value (IEEE minimum: NaN if any is NaN).</summary>
    public static float Min(ReadOnlySpan<float> x) => Reduce(x, largest: false);

    /// <summary>destination[i] = max(x[i], y).</summary>
    public static void Max(ReadOnlySpan<float> x, float y, Span<float> destination) => Apply(x, default, y, destination, Operation.Max, pairwise: false);

    /// <summary>destination[i] = x[i] · y.</summary>
    public static void Multiply(ReadOnlySpan<float> x, float y, Span<float> destination) => Apply(x, default, y, destination, Operation.Multiply, pairwise: false);

    /// <summary>destination[i] = x[i] · y[i].</summary>
    public static void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => Apply(x, y, 0, destination, Operation.Multiply, pairwise: true);

    /// <summary>destination[i] = x[i] − y.</summary>
    public static void Subtract(ReadOnlySpan<float> x, float y, Span<float> destination) => Apply(x, default, y, destination, Operation.Subtract, pairwise: false);

    /// <summary>destination[i] = x[i] − y[i].</summary>
    public static void Subtract(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination) => Apply(x, y, 0, destination, Operation.Subtract, pairwise: true);

    /// <summary>Whether every value is finite (neither NaN nor infinite).</summary>
    public static bool IsFiniteAll(ReadOnlySpan<float> x)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // x - x is 0 for a finite x and NaN for NaN or an infinity; NaN is not equal to itself. Four sums over
            // blocks of 32, so that the additions do not wait for each other (a clip is tens of thousands of samples).
            ref float x0 = ref MemoryMarshal.GetReference(x);
            var all = Vector256<float>.Zero;
            var all1 = Vector256<float>.Zero;
            var all2 = Vector256<float>.Zero;
            var all3 = Vector256<float>.Zero;
            for (; i <= x.Length - 4 * Vector256<float>.Count; i += 4 * Vector256<float>.Count)
            {
                var a = Vector256.LoadUnsafe(ref x0, (nuint)i);
                var b = Vector256.LoadUnsafe(ref x0, (nuint)(i + Vector256<float>.Count));
                var c = Vector256.LoadUnsafe(ref x0, (nuint)(i + 2 * Vector256<float>.Count));
                var d = Vector256.LoadUnsafe(ref x0, (nuint)(i + 3 * Vector256<float>.Count));
                all += a - a;
                all1 += b - b;
                all2 += c - c;
                all3 += d - d;
            }

            all += all1 + all2 + all3;
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref x0, (nuint)i);
                all += v - v;
            }

            if (Vector256.Equals(all, Vector256<float>.Zero).ExtractMostSignificantBits() != 0xFFu)
            {
                return false;
            }
        }

        for (; i < x.Length; i++)
        {
            if (!float.IsFinite(x[i]))
            {
                return false;
            }
        }

        return true;
    }

    private enum Operation
    {
        Max,
        Multiply,
        Subtract,
    }

    private static float Reduce(ReadOnlySpan<float> x, bool largest)
    {
        if (x.IsEmpty)
        {
            throw new ArgumentException("The span is empty.", nameof(x));
        }

        float result = x[0];
        int i = 0;
        const int width = 8; // Vector256<float>.Count
        if (Vector256.IsHardwareAccelerated && x.Length >= width)
        {
            // Four accumulators over blocks of 32, so that consecutive comparisons do not wait for each other, then
            // one over the remaining blocks of 8.
            ref float x0 = ref MemoryMarshal.GetReference(x);
            var a = Vector256.LoadUnsafe(ref x0);
            var b = a;
            var c = a;
            var d = a;
            for (i = width; i <= x.Length - 4 * width; i += 4 * width)
            {
                a = Pick(a, Vector256.LoadUnsafe(ref x0, (nuint)i), largest);
                b = Pick(b, Vector256.LoadUnsafe(ref x0, (nuint)(i + width)), largest);
                c = Pick(c, Vector256.LoadUnsafe(ref x0, (nuint)(i + 2 * width)), largest);
                d = Pick(d, Vector256.LoadUnsafe(ref x0, (nuint)(i + 3 * width)), largest);
            }

            for (; i <= x.Length - width; i += width)
            {
                a = Pick(a, Vector256.LoadUnsafe(ref x0, (nuint)i), largest);
            }

            a = Pick(Pick(a, b, largest), Pick(c, d, largest), largest);
            result = a.ToScalar();
            for (int lane = 1; lane < width; lane++)
            {
                float v = Unsafe.Add(ref Unsafe.As<Vector256<float>, float>(ref a), lane);
                result = largest ? Math.Max(result, v) : Math.Min(result, v);
            }
        }

        for (; i < x.Length; i++)
        {
            result = largest ? Math.Max(result, x[i]) : Math.Min(result, x[i]);
        }

        return result;
    }

    /// <summary>The lane-wise maximum or minimum (the flag is the same on every call of a loop, so it is predicted).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Pick(Vector256<float> x, Vector256<float> y, bool largest) => largest ? Vector256.Max(x, y) : Vector256.Min(x, y);

    /// <summary>destination[i] = op(x[i], y[i]) (pairwise), or op(x[i], scalar); one loop per case.</summary>
    private static void Apply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float scalar, Span<float> destination, Operation operation, bool pairwise)
    {
        if (destination.Length < x.Length || (pairwise && y.Length != x.Length))
        {
            throw new ArgumentException("The spans' lengths do not match.", nameof(destination));
        }

        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float x0 = ref MemoryMarshal.GetReference(x);
            ref float y0 = ref MemoryMarshal.GetReference(y);
            ref float d0 = ref MemoryMarshal.GetReference(destination);
            var s = Vector256.Create(scalar);
            int end = x.Length - Vector256<float>.Count;
            switch ((operation, pairwise))
            {
                case (Operation.Max, false):
                    for (; i <= end; i += Vector256<float>.Count)
                    {
                        Vector256.Max(Vector256.LoadUnsafe(ref x0, (nuint)i), s).StoreUnsafe(ref d0, (nuint)i);
                    }

                    break;
                case (Operation.Multiply, false):
                    for (; i <= end; i += Vector256<float>.Count)
                    {
                        (Vector256.LoadUnsafe(ref x0, (nuint)i) * s).StoreUnsafe(ref d0, (nuint)i);
                    }

                    break;
                case (Operation.Multiply, true):
                    for (; i <= end; i += Vector256<float>.Count)
                    {
                        (Vector256.LoadUnsafe(ref x0, (nuint)i) * Vector256.LoadUnsafe(ref y0, (nuint)i)).StoreUnsafe(ref d0, (nuint)i);
                    }

                    break;
                case (Operation.Subtract, false):
                    for (; i <= end; i += Vector256<float>.Count)
                    {
                        (Vector256.LoadUnsafe(ref x0, (nuint)i) - s).StoreUnsafe(ref d0, (nuint)i);
                    }

                    break;
                case (Operation.Subtract, true):
                    for (; i <= end; i += Vector256<float>.Count)
                    {
                        (Vector256.LoadUnsafe(ref x0, (nuint)i) - Vector256.LoadUnsafe(ref y0, (nuint)i)).StoreUnsafe(ref d0, (nuint)i);
                    }

                    break;
            }
        }

        for (; i < x.Length; i++)
        {
            float a = x[i], b = pairwise ? y[i] : scalar;
            destination[i] = operation == Operation.Max ? Math.Max(a, b) : operation == Operation.Multiply ? a * b : a - b;
        }
    }
}
