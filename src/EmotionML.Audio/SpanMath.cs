using System.Numerics;
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
/// The two <c>Log10</c> overloads give <c>TensorPrimitives.Log10</c>'s values bit for bit. <see cref="Sum"/> and <see cref="Dot"/>
/// add in one fixed order on every machine, which <c>TensorPrimitives</c>' do not (their order depends on the vector
/// width, AVX-512 or AVX2, and on the span's alignment in memory): the same features on every machine.
/// </summary>
internal static class SpanMath
{
    /// <summary>The largest value (IEEE maximum: NaN if any is NaN).</summary>
    public static float Max(ReadOnlySpan<float> x) => MinMax(x).Max;

    /// <summary>The smallest value (IEEE minimum: NaN if any is NaN).</summary>
    public static float Min(ReadOnlySpan<float> x) => MinMax(x).Min;

    /// <summary>The smallest and the largest value in one pass (IEEE minimum and maximum: NaN if any is NaN); <see cref="Min(ReadOnlySpan{float})"/> and <see cref="Max(ReadOnlySpan{float})"/> take the half they need.</summary>
    [MethodImpl(Kernel.Compile)]
    public static (float Min, float Max) MinMax(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty)
        {
            throw new ArgumentException("The span is empty.", nameof(x));
        }

        float low = x[0], high = x[0];
        int i = 0;
        const int width = 8; // Vector256<float>.Count
        if (Vector256.IsHardwareAccelerated && x.Length >= width)
        {
            // Two accumulators each, so that consecutive comparisons do not wait for each other.
            ref float x0 = ref MemoryMarshal.GetReference(x);
            var lo = Vector256.LoadUnsafe(ref x0);
            var hi = lo;
            var lo2 = lo;
            var hi2 = lo;
            for (i = width; i <= x.Length - 2 * width; i += 2 * width)
            {
                var v = Vector256.LoadUnsafe(ref x0, (nuint)i);
                var v2 = Vector256.LoadUnsafe(ref x0, (nuint)(i + width));
                lo = Vector256.Min(lo, v);
                hi = Vector256.Max(hi, v);
                lo2 = Vector256.Min(lo2, v2);
                hi2 = Vector256.Max(hi2, v2);
            }

            for (; i <= x.Length - width; i += width)
            {
                var v = Vector256.LoadUnsafe(ref x0, (nuint)i);
                lo = Vector256.Min(lo, v);
                hi = Vector256.Max(hi, v);
            }

            lo = Vector256.Min(lo, lo2);
            hi = Vector256.Max(hi, hi2);
            low = lo.ToScalar();
            high = hi.ToScalar();
            for (int lane = 1; lane < width; lane++)
            {
                low = Math.Min(low, Unsafe.Add(ref Unsafe.As<Vector256<float>, float>(ref lo), lane));
                high = Math.Max(high, Unsafe.Add(ref Unsafe.As<Vector256<float>, float>(ref hi), lane));
            }
        }

        for (; i < x.Length; i++)
        {
            low = Math.Min(low, x[i]);
            high = Math.Max(high, x[i]);
        }

        return (low, high);
    }

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

    /// <summary>
    /// The sum of the values in float32, in a fixed order: 32 running sums, one per element index modulo 32 over the
    /// whole blocks of 32, combined as (0-7 + 8-15) + (16-23 + 24-31) lane by lane, the eight lanes as
    /// ((0+4) + (2+6)) + ((1+5) + (3+7)), then the remaining values one by one. Vector or not, every machine adds the
    /// same numbers in the same order.
    /// </summary>
    public static float Sum(ReadOnlySpan<float> x) => SumOfTerms<Values>(x, default);

    /// <summary>The sum of x[i] · y[i] (each product rounded to float32), in <see cref="Sum"/>'s order.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException("The spans' lengths do not match.", nameof(y));
        }

        return SumOfTerms<Products>(x, y);
    }

    /// <summary>The sum of x[i]² (each square rounded to float32), in <see cref="Sum"/>'s order.</summary>
    public static float SumOfSquares(ReadOnlySpan<float> x) => SumOfTerms<Squares>(x, default);

    /// <summary>
    /// The sum of ((x[i] − centre)²) · w[i], each step rounded to float32 as three element-wise passes would round
    /// it (a spectrum's second moment about its centroid), in <see cref="Sum"/>'s order: one pass instead of three.
    /// </summary>
    public static float WeightedSquaredDeviations(ReadOnlySpan<float> x, float centre, ReadOnlySpan<float> w)
    {
        if (x.Length != w.Length)
        {
            throw new ArgumentException("The spans' lengths do not match.", nameof(w));
        }

        return SumOfTerms<WeightedSquaredDeviationTerms>(x, w, centre);
    }

    // The terms a sum adds, one type each, so that each sum's loop is compiled for its terms (a parameter chose them
    // with a switch per vector inside the loop: four indirect jumps per 32 values, which bounded the loop). Each term
    // is the same IEEE operations at every width and one value at a time.

    /// <summary>What <see cref="SumOfTerms{T}"/> adds for element i of x (and y, and the centre, where the terms use them).</summary>
    private interface ITerms
    {
        static abstract Vector512<float> Of(Vector512<float> x, Vector512<float> y, Vector512<float> centre);

        static abstract Vector256<float> Of(Vector256<float> x, Vector256<float> y, Vector256<float> centre);

        static abstract float Of(float x, float y, float centre);

        /// <summary>Whether the terms read y (otherwise it may be empty and is never loaded).</summary>
        static abstract bool UsesY { get; }
    }

    private readonly struct Values : ITerms
    {
        public static bool UsesY => false;

        public static Vector512<float> Of(Vector512<float> x, Vector512<float> y, Vector512<float> centre) => x;

        public static Vector256<float> Of(Vector256<float> x, Vector256<float> y, Vector256<float> centre) => x;

        public static float Of(float x, float y, float centre) => x;
    }

    private readonly struct Squares : ITerms
    {
        public static bool UsesY => false;

        public static Vector512<float> Of(Vector512<float> x, Vector512<float> y, Vector512<float> centre) => x * x;

        public static Vector256<float> Of(Vector256<float> x, Vector256<float> y, Vector256<float> centre) => x * x;

        public static float Of(float x, float y, float centre) => x * x;
    }

    private readonly struct Products : ITerms
    {
        public static bool UsesY => true;

        public static Vector512<float> Of(Vector512<float> x, Vector512<float> y, Vector512<float> centre) => x * y;

        public static Vector256<float> Of(Vector256<float> x, Vector256<float> y, Vector256<float> centre) => x * y;

        public static float Of(float x, float y, float centre) => x * y;
    }

    /// <summary>((x − centre)²) · y, each step rounded to float32.</summary>
    private readonly struct WeightedSquaredDeviationTerms : ITerms
    {
        public static bool UsesY => true;

        public static Vector512<float> Of(Vector512<float> x, Vector512<float> y, Vector512<float> centre)
        {
            var d = x - centre;
            return (d * d) * y;
        }

        public static Vector256<float> Of(Vector256<float> x, Vector256<float> y, Vector256<float> centre)
        {
            var d = x - centre;
            return (d * d) * y;
        }

        public static float Of(float x, float y, float centre)
        {
            float d = x - centre;
            return (d * d) * y;
        }
    }

    [MethodImpl(Kernel.Compile)]
    private static float SumOfTerms<T>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float centre = 0)
        where T : struct, ITerms
    {
        const int Block = 32;
        int i = 0, whole = x.Length - x.Length % Block;
        float total = 0;
        if (whole > 0)
        {
            Vector256<float> a, b, c, d;
            ref float x0 = ref MemoryMarshal.GetReference(x);
            ref float y0 = ref MemoryMarshal.GetReference(y);
            if (Vector512.IsHardwareAccelerated)
            {
                // Lanes 0-15 and 16-31 of each block in two 16-lane sums: per lane the same additions as below.
                var centre512 = Vector512.Create(centre);
                Vector512<float> ab = Vector512<float>.Zero, cd = Vector512<float>.Zero;
                for (; i < whole; i += Block)
                {
                    ab += T.Of(Vector512.LoadUnsafe(ref x0, (nuint)i), T.UsesY ? Vector512.LoadUnsafe(ref y0, (nuint)i) : default, centre512);
                    cd += T.Of(Vector512.LoadUnsafe(ref x0, (nuint)(i + 16)), T.UsesY ? Vector512.LoadUnsafe(ref y0, (nuint)(i + 16)) : default, centre512);
                }

                a = ab.GetLower();
                b = ab.GetUpper();
                c = cd.GetLower();
                d = cd.GetUpper();
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                var centre256 = Vector256.Create(centre);
                a = b = c = d = Vector256<float>.Zero;
                for (; i < whole; i += Block)
                {
                    a += T.Of(Vector256.LoadUnsafe(ref x0, (nuint)i), T.UsesY ? Vector256.LoadUnsafe(ref y0, (nuint)i) : default, centre256);
                    b += T.Of(Vector256.LoadUnsafe(ref x0, (nuint)(i + 8)), T.UsesY ? Vector256.LoadUnsafe(ref y0, (nuint)(i + 8)) : default, centre256);
                    c += T.Of(Vector256.LoadUnsafe(ref x0, (nuint)(i + 16)), T.UsesY ? Vector256.LoadUnsafe(ref y0, (nuint)(i + 16)) : default, centre256);
                    d += T.Of(Vector256.LoadUnsafe(ref x0, (nuint)(i + 24)), T.UsesY ? Vector256.LoadUnsafe(ref y0, (nuint)(i + 24)) : default, centre256);
                }
            }
            else
            {
                // The same 32 running sums, one value at a time.
                Span<float> lanes = stackalloc float[Block];
                lanes.Clear();
                for (; i < whole; i += Block)
                {
                    for (int j = 0; j < Block; j++)
                    {
                        lanes[j] += T.Of(x[i + j], T.UsesY ? y[i + j] : 0, centre);
                    }
                }

                a = Vector256.Create<float>(lanes[..8]);
                b = Vector256.Create<float>(lanes[8..16]);
                c = Vector256.Create<float>(lanes[16..24]);
                d = Vector256.Create<float>(lanes[24..]);
            }

            // Element-wise additions (vector or not, the same IEEE additions), then the lanes in a fixed tree.
            var e = (a + b) + (c + d);
            total = ((e.GetElement(0) + e.GetElement(4)) + (e.GetElement(2) + e.GetElement(6)))
                + ((e.GetElement(1) + e.GetElement(5)) + (e.GetElement(3) + e.GetElement(7)));
        }

        for (; i < x.Length; i++)
        {
            total += T.Of(x[i], T.UsesY ? y[i] : 0, centre);
        }

        return total;
    }

    /// <summary>
    /// destination[i] = log10(x[i]), <c>TensorPrimitives.Log10</c>'s values bit for bit: its vector paths compute
    /// ln(x) / ln(10) per lane with the runtime's vector logarithm (the same arithmetic per lane at every width), and
    /// a span shorter than four values takes <see cref="MathF.Log10"/>. Ours because that generic method is one that
    /// ReadyToRun cannot precompile for us: the JIT spent 17 ms on it in every process that extracted features. This
    /// method is not precompiled either (it passes vectors to the runtime's generic logarithm, which crossgen2 refuses
    /// across assemblies), but it and that logarithm are two methods to compile instead of TensorPrimitives' many.
    /// </summary>
    public static void Log10(ReadOnlySpan<float> x, Span<float> destination) => Log10Core(x, destination);

    /// <summary>
    /// destination[i] = log10(x[i]) in double precision, <c>TensorPrimitives.Log10</c>'s values bit for bit (a span
    /// shorter than two values takes <see cref="Math.Log10(double)"/>). Ours for the log-mel spectrogram's decibels:
    /// an app that JIT-compiles the library ran TensorPrimitives' generic loop unoptimised, calling the runtime's
    /// vector logarithm through its precompiled fallback, for its first 250 or so predictions when it had one core
    /// (a blended prediction 18 instead of 11 ms; benchmarks/README.md, session 20); this one is compiled optimised at
    /// its first call.
    /// </summary>
    public static void Log10(ReadOnlySpan<double> x, Span<double> destination) => Log10Core(x, destination);

    [MethodImpl(Kernel.Compile)]
    private static void Log10Core<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (destination.Length < x.Length)
        {
            throw new ArgumentException("The spans' lengths do not match.", nameof(destination));
        }

        int n = x.Length;
        if (!Vector128.IsHardwareAccelerated || n < Vector128<T>.Count)
        {
            for (int k = 0; k < n; k++)
            {
                destination[k] = T.Log10(x[k]);
            }

            return;
        }

        // TensorPrimitives' constant: ln 10 as a double, rounded to T.
        var ln10 = T.CreateTruncating(2.302585092994046);
        ref T x0 = ref MemoryMarshal.GetReference(x);
        ref T d0 = ref MemoryMarshal.GetReference(destination);
        if (Vector512.IsHardwareAccelerated && n >= Vector512<T>.Count)
        {
            var divisor = Vector512.Create(ln10);
            int last = n - Vector512<T>.Count;
            var end = Vector512.LoadUnsafe(ref x0, (nuint)last);
            for (int i = 0; i < last; i += Vector512<T>.Count)
            {
                (Log(Vector512.LoadUnsafe(ref x0, (nuint)i)) / divisor).StoreUnsafe(ref d0, (nuint)i);
            }

            (Log(end) / divisor).StoreUnsafe(ref d0, (nuint)last);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
        {
            var divisor = Vector256.Create(ln10);
            int last = n - Vector256<T>.Count;
            var end = Vector256.LoadUnsafe(ref x0, (nuint)last);
            for (int i = 0; i < last; i += Vector256<T>.Count)
            {
                (Log(Vector256.LoadUnsafe(ref x0, (nuint)i)) / divisor).StoreUnsafe(ref d0, (nuint)i);
            }

            // The last whole vector, which may overlap the one before: element-wise, so the overlap gets the same values
            // (it was read before the loop, as x and destination may be the same span).
            (Log(end) / divisor).StoreUnsafe(ref d0, (nuint)last);
        }
        else
        {
            var divisor = Vector128.Create(ln10);
            int last = n - Vector128<T>.Count;
            var end = Vector128.LoadUnsafe(ref x0, (nuint)last);
            for (int i = 0; i < last; i += Vector128<T>.Count)
            {
                (Log(Vector128.LoadUnsafe(ref x0, (nuint)i)) / divisor).StoreUnsafe(ref d0, (nuint)i);
            }

            (Log(end) / divisor).StoreUnsafe(ref d0, (nuint)last);
        }
    }

    // The runtime's vector logarithms for float and double lanes (the JIT keeps the one branch T needs).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Log<T>(Vector512<T> v)
        where T : unmanaged =>
        typeof(T) == typeof(float) ? Vector512.Log(v.AsSingle()).As<float, T>() : Vector512.Log(v.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Log<T>(Vector256<T> v)
        where T : unmanaged =>
        typeof(T) == typeof(float) ? Vector256.Log(v.AsSingle()).As<float, T>() : Vector256.Log(v.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Log<T>(Vector128<T> v)
        where T : unmanaged =>
        typeof(T) == typeof(float) ? Vector128.Log(v.AsSingle()).As<float, T>() : Vector128.Log(v.AsDouble()).As<double, T>();

    /// <summary>Whether every value is finite (neither NaN nor infinite).</summary>
    [MethodImpl(Kernel.Compile)]
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

    /// <summary>destination[i] = op(x[i], y[i]) (pairwise), or op(x[i], scalar); one loop per case.</summary>
    [MethodImpl(Kernel.Compile)]
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
