using EmotionML.Audio;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmotionML.Features;

/// <summary>
/// A double-precision real FFT for power-of-two sizes, written for the STFT's hot loop: the N/2-point complex
/// FFT is iterative radix-2 on split real/imaginary arrays; the input is windowed straight into bit-reversed order
/// together with the first two stages, the wider stages run two at a time on <see cref="Vector256{T}"/> (or
/// <see cref="Vector512{T}"/> where accelerated; radix-2 arithmetic, radix-4 memory traffic), twiddles are precomputed per stage. Ours rather than NWaves'
/// <c>RealFft64</c> (which the tests compare it with) because the STFT dominated feature time: a 2048-point
/// transform takes about 5 µs against NWaves' 27 µs on the 2-core Xeon of benchmarks/README.md (<c>FftBenchmarks</c>;
/// 14 µs in a stopwatch loop before the first and wide stages were fused), with the same precision. One instance per
/// thread.
/// </summary>
internal sealed class RealFft64
{
    private readonly int _n;
    private readonly int _m; // complex size, n / 2
    private readonly int[] _bitReverse;
    private readonly double[] _twiddleRe; // stage by stage: for span h, h entries exp(-i pi j / h)
    private readonly double[] _twiddleIm;
    private readonly double[] _postCos;
    private readonly double[] _postSin;
    private readonly double[] _zr;
    private readonly double[] _zi;
    private readonly double[] _ones; // the window of an unwindowed transform

    public RealFft64(int size)
    {
        if (size < 16 || (size & (size - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "The FFT size must be a power of two of at least 16.");
        }

        _n = size;
        _m = size / 2;
        int bits = BitOperations.Log2((uint)_m);
        _bitReverse = new int[_m];
        for (int i = 0; i < _m; i++)
        {
            int r = 0;
            for (int b = 0; b < bits; b++)
            {
                r |= ((i >> b) & 1) << (bits - 1 - b);
            }

            _bitReverse[i] = r;
        }

        _twiddleRe = new double[_m];
        _twiddleIm = new double[_m];
        for (int h = 1, offset = 0; h < _m; offset += h, h *= 2)
        {
            for (int j = 0; j < h; j++)
            {
                _twiddleRe[offset + j] = Math.Cos(-Math.PI * j / h);
                _twiddleIm[offset + j] = Math.Sin(-Math.PI * j / h);
            }
        }

        _postCos = new double[_m + 1];
        _postSin = new double[_m + 1];
        for (int k = 0; k <= _m; k++)
        {
            _postCos[k] = Math.Cos(2 * Math.PI * k / _n);
            _postSin[k] = Math.Sin(2 * Math.PI * k / _n);
        }

        _zr = new double[_m];
        _zi = new double[_m];
        _ones = new double[_n];
        Array.Fill(_ones, 1.0);
    }

    public int Size => _n;

    /// <summary>Whether the first stages (with the windowing, or the inverse's Z) run four groups at a time (tests turn it off to compare).</summary>
    internal bool VectorizedFirstStages { get; init; } = true;

    /// <summary>Whether the wide stages run on vectors where they are accelerated (tests turn it off to compare with the scalar radix-2 passes).</summary>
    internal bool VectorStages { get; init; } = true;

    /// <summary>Whether the wide stages and the forward split use <see cref="Vector512{T}"/> where it is accelerated (tests turn it off to compare).</summary>
    internal bool Vector512Stages { get; init; } = true;

    /// <summary>The first n/2+1 bins of the DFT of <c>input · window</c> (a window of null means none).</summary>
    [MethodImpl(Kernel.Compile)]
    public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<double> window, Span<double> re, Span<double> im)
    {
        if (re.Length <= _m || im.Length <= _m)
        {
            throw new ArgumentException("The spectra must hold n/2 + 1 bins.");
        }

        Transform(input, window);

        // Split the N/2-point complex transform into the N-point real one.
        re[0] = _zr[0] + _zi[0];
        im[0] = 0;
        re[_m] = _zr[0] - _zi[0];
        im[_m] = 0;
        int k = 1;
        ref double re0 = ref MemoryMarshal.GetReference(re);
        ref double im0 = ref MemoryMarshal.GetReference(im);
        if (WideVectors.Accelerated && Vector512Stages)
        {
            k = SplitBy512(ref re0, ref im0);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; k + 3 < _m; k += 4)
            {
                var (r, i) = Split256(k);
                r.StoreUnsafe(ref re0, (nuint)k);
                i.StoreUnsafe(ref im0, (nuint)k);
            }
        }

        for (; k < _m; k++)
        {
            (re[k], im[k]) = Split(k);
        }
    }

    /// <summary>
    /// <see cref="Forward"/>'s split on 512-bit vectors from bin 1; returns the first bin left. A method of its own:
    /// crossgen2 targets AVX2 and cannot precompile a method whose code calls <see cref="Vector512"/>'s operations,
    /// which kept all of <see cref="Forward"/> out of the tool's ReadyToRun image (JIT-compiled in every process).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | Kernel.Compile)]
    private int SplitBy512(ref double re0, ref double im0)
    {
        int k = 1;
        for (; k + 7 < _m; k += 8)
        {
            var (r, i) = Split512(k);
            r.StoreUnsafe(ref re0, (nuint)k);
            i.StoreUnsafe(ref im0, (nuint)k);
        }

        return k;
    }

    /// <summary>
    /// <see cref="Forward"/>'s bins as librosa's complex64 STFT holds them, each rounded to float32, straight into
    /// power |X|² = re² + im² and magnitude |X| (float32), without storing the double-precision bins first; returns
    /// the largest power. The same values as <see cref="Forward"/> followed by those roundings.
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    public float ForwardPower(ReadOnlySpan<float> input, ReadOnlySpan<double> window, Span<float> power, Span<float> magnitude)
    {
        if (power.Length <= _m || magnitude.Length <= _m)
        {
            throw new ArgumentException("The spectra must hold n/2 + 1 bins.");
        }

        Transform(input, window);
        float max = Math.Max(Store(_zr[0] + _zi[0], 0, power, magnitude, 0), Store(_zr[0] - _zi[0], 0, power, magnitude, _m));
        int k = 1;
        ref float p0 = ref MemoryMarshal.GetReference(power);
        ref float m0 = ref MemoryMarshal.GetReference(magnitude);

        // Powers are finite and non-negative (finite input), so the processor's maximum is the maximum.
        if (WideVectors.Accelerated && Vector512Stages && Avx512F.IsSupported)
        {
            var largest = Vector256<float>.Zero;
            for (; k + 7 < _m; k += 8)
            {
                var (re, im) = Split512(k);
                var r = Avx512F.ConvertToVector256Single(re);
                var i = Avx512F.ConvertToVector256Single(im);
                var p = r * r + i * i;
                largest = Vector256.MaxNative(largest, p);
                p.StoreUnsafe(ref p0, (nuint)k);
                Vector256.Sqrt(p).StoreUnsafe(ref m0, (nuint)k);
            }

            max = Math.Max(max, Largest(largest));
        }

        if (Avx.IsSupported)
        {
            // Eight bins at a time (two blocks of the split, narrowed into one vector of floats), then four.
            var largest8 = Vector256<float>.Zero;
            for (; k + 7 < _m; k += 8)
            {
                var (re0, im0) = Split256(k);
                var (re1, im1) = Split256(k + 4);
                var r = Vector256.Create(Avx.ConvertToVector128Single(re0), Avx.ConvertToVector128Single(re1));
                var i = Vector256.Create(Avx.ConvertToVector128Single(im0), Avx.ConvertToVector128Single(im1));
                var p = r * r + i * i;
                largest8 = Vector256.MaxNative(largest8, p);
                p.StoreUnsafe(ref p0, (nuint)k);
                Vector256.Sqrt(p).StoreUnsafe(ref m0, (nuint)k);
            }

            max = Math.Max(max, Largest(largest8));
            var largest = Vector128<float>.Zero;
            for (; k + 3 < _m; k += 4)
            {
                var (re, im) = Split256(k);
                var r = Avx.ConvertToVector128Single(re);
                var i = Avx.ConvertToVector128Single(im);
                var p = r * r + i * i;
                largest = Vector128.MaxNative(largest, p);
                p.StoreUnsafe(ref p0, (nuint)k);
                Vector128.Sqrt(p).StoreUnsafe(ref m0, (nuint)k);
            }

            for (int lane = 0; lane < Vector128<float>.Count; lane++)
            {
                max = Math.Max(max, largest.GetElement(lane));
            }
        }

        for (; k < _m; k++)
        {
            var (re, im) = Split(k);
            max = Math.Max(max, Store(re, im, power, magnitude, k));
        }

        return max;

        static float Largest(Vector256<float> v)
        {
            float m = 0;
            for (int lane = 0; lane < Vector256<float>.Count; lane++)
            {
                m = Math.Max(m, v.GetElement(lane));
            }

            return m;
        }
    }

    /// <summary>One bin rounded to float32, its power and magnitude stored; returns the power.</summary>
    private static float Store(double re, double im, Span<float> power, Span<float> magnitude, int k)
    {
        float r = (float)re, i = (float)im;
        float p = r * r + i * i;
        power[k] = p;
        magnitude[k] = MathF.Sqrt(p);
        return p;
    }

    /// <summary>The windowed input's N/2-point complex transform, in <c>_zr</c> and <c>_zi</c>.</summary>
    [MethodImpl(Kernel.Compile)]
    private void Transform(ReadOnlySpan<float> input, ReadOnlySpan<double> window)
    {
        if (input.Length < _n || (!window.IsEmpty && window.Length < _n))
        {
            throw new ArgumentException("The input and the window must hold at least the FFT size.");
        }

        // No window is a window of ones: x · 1.0 is x exactly, so one fused path serves both.
        WindowFirstStages(input, window.IsEmpty ? _ones : window);
        WideStages(_zr, _zi);
    }

    // The split of the N/2-point complex transform into bins of the N-point real one: bin k from z[k] and z[m - k].
    // One bin at a time, four (the mirrored block loaded as a vector and reversed) or eight, with the same operations
    // per bin.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (double Re, double Im) Split(int k)
    {
        int j = _m - k;
        double er = 0.5 * (_zr[k] + _zr[j]), ei = 0.5 * (_zi[k] - _zi[j]);
        double or = 0.5 * (_zi[k] + _zi[j]), oi = -0.5 * (_zr[k] - _zr[j]);
        double c = _postCos[k], s = _postSin[k];
        return (er + c * or + s * oi, ei + c * oi - s * or);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (Vector256<double> Re, Vector256<double> Im) Split256(int k)
    {
        int j = _m - k - 3; // the mirrored block m-k-3 .. m-k
        var half = Vector256.Create(0.5);
        var reverse = Vector256.Create(3L, 2, 1, 0);
        ref double zr0 = ref MemoryMarshal.GetArrayDataReference(_zr);
        ref double zi0 = ref MemoryMarshal.GetArrayDataReference(_zi);
        var ar = Vector256.LoadUnsafe(ref zr0, (nuint)k);
        var ai = Vector256.LoadUnsafe(ref zi0, (nuint)k);
        var br = Vector256.Shuffle(Vector256.LoadUnsafe(ref zr0, (nuint)j), reverse);
        var bi = Vector256.Shuffle(Vector256.LoadUnsafe(ref zi0, (nuint)j), reverse);
        var er = half * (ar + br);
        var ei = half * (ai - bi);
        var or = half * (ai + bi);
        var oi = half * (br - ar);
        var c = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_postCos), (nuint)k);
        var sn = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_postSin), (nuint)k);
        return (er + c * or + sn * oi, ei + c * oi - sn * or);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (Vector512<double> Re, Vector512<double> Im) Split512(int k)
    {
        int j = _m - k - 7; // the mirrored block m-k-7 .. m-k
        var half = Vector512.Create(0.5);
        var reverse = Vector512.Create(7L, 6, 5, 4, 3, 2, 1, 0);
        ref double zr0 = ref MemoryMarshal.GetArrayDataReference(_zr);
        ref double zi0 = ref MemoryMarshal.GetArrayDataReference(_zi);
        var ar = Vector512.LoadUnsafe(ref zr0, (nuint)k);
        var ai = Vector512.LoadUnsafe(ref zi0, (nuint)k);
        var br = Vector512.Shuffle(Vector512.LoadUnsafe(ref zr0, (nuint)j), reverse);
        var bi = Vector512.Shuffle(Vector512.LoadUnsafe(ref zi0, (nuint)j), reverse);
        var er = half * (ar + br);
        var ei = half * (ai - bi);
        var or = half * (ai + bi);
        var oi = half * (br - ar);
        var c = Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_postCos), (nuint)k);
        var sn = Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_postSin), (nuint)k);
        return (er + c * or + sn * oi, ei + c * oi - sn * or);
    }

    /// <summary>
    /// The inverse of <see cref="Forward"/> without the 1/n scale: writes n real samples whose DFT is the given
    /// half spectrum (bins 0..n/2) times n.
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    public void Inverse(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<double> output)
    {
        var zr = _zr;
        var zi = _zi;
        var rev = _bitReverse;
        if (re.Length <= _m || im.Length <= _m || output.Length < _n)
        {
            throw new ArgumentException("The spectra must hold n/2+1 bins and the output n samples.");
        }

        // Z[k] = E[k] + i O[k] with E = (X[k] + conj X[m-k]) / 2 and O = (X[k] - conj X[m-k]) W^-k / 2;
        // the inverse complex FFT is the conjugate of the forward FFT of the conjugate.
        if (Avx2.IsSupported && VectorizedFirstStages && _m % 16 == 0)
        {
            InverseFirstStages(re, im);
        }
        else
        {
            for (int k = 0; k < _m; k++)
            {
                int j = _m - k;
                double er = 0.5 * (re[k] + re[j]), ei = 0.5 * (im[k] - im[j]);
                double dr = 0.5 * (re[k] - re[j]), di = 0.5 * (im[k] + im[j]);
                double c = _postCos[k], s = _postSin[k];
                // O = d * W^-k = d * (c + i s)
                double or = dr * c - di * s, oi = dr * s + di * c;
                // Z = E + i O, stored conjugated and bit-reversed
                int r = rev[k];
                zr[r] = er - oi;
                zi[r] = -(ei + or);
            }

            FirstStages(zr, zi);
        }

        WideStages(zr, zi);
        for (int k = 0; k < _m; k++)
        {
            output[2 * k] = 2 * zr[k];
            output[2 * k + 1] = -2 * zi[k];
        }
    }

    /// <summary>
    /// Windows the input straight into bit-reversed order and runs the first two radix-2 stages (spans 1 and 2,
    /// trivial twiddles 1 and -i) on each group of four in registers: the four inputs of output group b (b a
    /// multiple of four) are complex samples r, r + m/2, r + m/4 and r + 3m/4 with r = bitreverse(b). Same
    /// arithmetic as scattering first and running <see cref="FirstStages"/>, with a quarter of the memory traffic.
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    private void WindowFirstStages(ReadOnlySpan<float> input, ReadOnlySpan<double> window)
    {
        int quarter = _m / 4;
        ref float x = ref MemoryMarshal.GetReference(input);
        ref double w = ref MemoryMarshal.GetReference(window);
        ref double re = ref MemoryMarshal.GetArrayDataReference(_zr);
        ref double im = ref MemoryMarshal.GetArrayDataReference(_zi);
        ref int rev0 = ref MemoryMarshal.GetArrayDataReference(_bitReverse);
        int r = 0;
        if (Avx2.IsSupported && VectorizedFirstStages)
        {
            // Four groups at a time (r .. r+3): the same products and sums per element, the four outputs of each group
            // gathered by a 4x4 transpose. Lanes hold r, r+2, r+1, r+3 (the order unpacking leaves them in).
            for (; r + 4 <= quarter; r += 4)
            {
                Windowed(ref x, ref w, 2 * r, out var x0r, out var x0i);
                Windowed(ref x, ref w, 2 * (r + 2 * quarter), out var x1r, out var x1i);
                Windowed(ref x, ref w, 2 * (r + quarter), out var x2r, out var x2i);
                Windowed(ref x, ref w, 2 * (r + 3 * quarter), out var x3r, out var x3i);
                Radix4Groups(ref re, ref im, Unsafe.Add(ref rev0, r), Unsafe.Add(ref rev0, r + 2), Unsafe.Add(ref rev0, r + 1), Unsafe.Add(ref rev0, r + 3),
                    x0r, x0i, x1r, x1i, x2r, x2i, x3r, x3i);
            }
        }

        for (; r < quarter; r++)
        {
            // bitreverse(r) for r < m/4 is a multiple of four: the group's first output.
            int b = Unsafe.Add(ref rev0, r);
            int s0 = 2 * r, s1 = 2 * (r + 2 * quarter), s2 = 2 * (r + quarter), s3 = 2 * (r + 3 * quarter);
            double x0r = Unsafe.Add(ref x, s0) * Unsafe.Add(ref w, s0), x0i = Unsafe.Add(ref x, s0 + 1) * Unsafe.Add(ref w, s0 + 1);
            double x1r = Unsafe.Add(ref x, s1) * Unsafe.Add(ref w, s1), x1i = Unsafe.Add(ref x, s1 + 1) * Unsafe.Add(ref w, s1 + 1);
            double x2r = Unsafe.Add(ref x, s2) * Unsafe.Add(ref w, s2), x2i = Unsafe.Add(ref x, s2 + 1) * Unsafe.Add(ref w, s2 + 1);
            double x3r = Unsafe.Add(ref x, s3) * Unsafe.Add(ref w, s3), x3i = Unsafe.Add(ref x, s3 + 1) * Unsafe.Add(ref w, s3 + 1);
            Radix4(ref Unsafe.Add(ref re, b), ref Unsafe.Add(ref im, b), x0r, x0i, x1r, x1i, x2r, x2i, x3r, x3i);
        }
    }

    /// <summary>
    /// Complex samples s/2 .. s/2+3 (floats s .. s+7, interleaved) times the window, in double: real parts and imaginary
    /// parts, each in lane order 0, 2, 1, 3. (Out parameters, not a tuple: ReadyToRun cannot precompile a tuple of
    /// vectors.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Windowed(ref float x, ref double w, int s, out Vector256<double> re, out Vector256<double> im)
    {
        var samples = Vector256.LoadUnsafe(ref x, (nuint)s);
        var lower = Vector256.WidenLower(samples) * Vector256.LoadUnsafe(ref w, (nuint)s);
        var upper = Vector256.WidenUpper(samples) * Vector256.LoadUnsafe(ref w, (nuint)(s + 4));
        re = Avx.UnpackLow(lower, upper);
        im = Avx.UnpackHigh(lower, upper);
    }

    /// <summary>
    /// <see cref="Radix4"/> for four groups at once, lane k being group k (written at bk): the span-1 and span-2
    /// butterflies with the same operations, then each group's four outputs stored together.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Radix4Groups(ref double re, ref double im, int b0, int b1, int b2, int b3, Vector256<double> x0r, Vector256<double> x0i,
        Vector256<double> x1r, Vector256<double> x1i, Vector256<double> x2r, Vector256<double> x2i, Vector256<double> x3r, Vector256<double> x3i)
    {
        var a0r = x0r + x1r;
        var a0i = x0i + x1i;
        var a1r = x0r - x1r;
        var a1i = x0i - x1i;
        var a2r = x2r + x3r;
        var a2i = x2i + x3i;
        var a3r = x2r - x3r;
        var a3i = x2i - x3i;
        StoreGroups(ref re, b0, b1, b2, b3, a0r + a2r, a1r + a3i, a0r - a2r, a1r - a3i);
        StoreGroups(ref im, b0, b1, b2, b3, a0i + a2i, a1i - a3r, a0i - a2i, a1i + a3r);
    }

    /// <summary>Lane k of out0 .. out3 is group k's four outputs: transposed and stored at that group's position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreGroups(ref double target, int b0, int b1, int b2, int b3, Vector256<double> out0, Vector256<double> out1, Vector256<double> out2, Vector256<double> out3)
    {
        var t0 = Avx.UnpackLow(out0, out1);
        var t1 = Avx.UnpackHigh(out0, out1);
        var t2 = Avx.UnpackLow(out2, out3);
        var t3 = Avx.UnpackHigh(out2, out3);
        Avx.Permute2x128(t0, t2, 0x20).StoreUnsafe(ref target, (nuint)b0);
        Avx.Permute2x128(t1, t3, 0x20).StoreUnsafe(ref target, (nuint)b1);
        Avx.Permute2x128(t0, t2, 0x31).StoreUnsafe(ref target, (nuint)b2);
        Avx.Permute2x128(t1, t3, 0x31).StoreUnsafe(ref target, (nuint)b3);
    }

    /// <summary>
    /// The inverse's Z (conjugated) with the first two stages, four groups at a time, as <see cref="WindowFirstStages"/>
    /// does for the forward transform: group b = bitreverse(r) takes Z at r, r + m/2, r + m/4 and r + 3m/4. The same
    /// operations per element as computing Z into bit-reversed order and running <see cref="FirstStages"/>.
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    private void InverseFirstStages(ReadOnlySpan<double> re, ReadOnlySpan<double> im)
    {
        int quarter = _m / 4;
        ref double xr = ref MemoryMarshal.GetReference(re);
        ref double xi = ref MemoryMarshal.GetReference(im);
        ref double zr = ref MemoryMarshal.GetArrayDataReference(_zr);
        ref double zi = ref MemoryMarshal.GetArrayDataReference(_zi);
        ref int rev0 = ref MemoryMarshal.GetArrayDataReference(_bitReverse);
        for (int r = 0; r < quarter; r += 4)
        {
            ConjugatedZ(ref xr, ref xi, r, out var x0r, out var x0i);
            ConjugatedZ(ref xr, ref xi, r + 2 * quarter, out var x1r, out var x1i);
            ConjugatedZ(ref xr, ref xi, r + quarter, out var x2r, out var x2i);
            ConjugatedZ(ref xr, ref xi, r + 3 * quarter, out var x3r, out var x3i);
            Radix4Groups(ref zr, ref zi, Unsafe.Add(ref rev0, r), Unsafe.Add(ref rev0, r + 1), Unsafe.Add(ref rev0, r + 2), Unsafe.Add(ref rev0, r + 3),
                x0r, x0i, x1r, x1i, x2r, x2i, x3r, x3i);
        }
    }

    /// <summary>conj(Z[k .. k+3]) of the inverse, lanes in order, with the scalar loop's operations.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ConjugatedZ(ref double xr, ref double xi, int k, out Vector256<double> zr, out Vector256<double> zi)
    {
        var reverse = Vector256.Create(3L, 2, 1, 0);
        var half = Vector256.Create(0.5);
        int j = _m - k - 3; // the mirrored bins m-k-3 .. m-k, reversed to line up with k .. k+3
        var rk = Vector256.LoadUnsafe(ref xr, (nuint)k);
        var ik = Vector256.LoadUnsafe(ref xi, (nuint)k);
        var rj = Vector256.Shuffle(Vector256.LoadUnsafe(ref xr, (nuint)j), reverse);
        var ij = Vector256.Shuffle(Vector256.LoadUnsafe(ref xi, (nuint)j), reverse);
        var er = half * (rk + rj);
        var ei = half * (ik - ij);
        var dr = half * (rk - rj);
        var di = half * (ik + ij);
        var c = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_postCos), (nuint)k);
        var s = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_postSin), (nuint)k);
        var or = dr * c - di * s;
        var oi = dr * s + di * c;
        zr = er - oi;
        zi = -(ei + or);
    }

    /// <summary>Spans 1 and 2 on bit-reversed data in place: radix-4 butterflies with trivial twiddles (1, -i).</summary>
    private void FirstStages(double[] zr, double[] zi)
    {
        ref double re = ref MemoryMarshal.GetArrayDataReference(zr);
        ref double im = ref MemoryMarshal.GetArrayDataReference(zi);
        for (int b = 0; b < _m; b += 4)
        {
            ref double r0 = ref Unsafe.Add(ref re, b);
            ref double i0 = ref Unsafe.Add(ref im, b);
            Radix4(ref r0, ref i0, r0, i0, Unsafe.Add(ref r0, 1), Unsafe.Add(ref i0, 1), Unsafe.Add(ref r0, 2), Unsafe.Add(ref i0, 2),
                Unsafe.Add(ref r0, 3), Unsafe.Add(ref i0, 3));
        }
    }

    /// <summary>The span-1 and span-2 butterflies of one group of four (inputs in bit-reversed order), written at re/im.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Radix4(ref double re, ref double im, double x0r, double x0i, double x1r, double x1i, double x2r, double x2i, double x3r, double x3i)
    {
        double a0r = x0r + x1r, a0i = x0i + x1i;
        double a1r = x0r - x1r, a1i = x0i - x1i;
        double a2r = x2r + x3r, a2i = x2i + x3i;
        double a3r = x2r - x3r, a3i = x2i - x3i;
        re = a0r + a2r;
        im = a0i + a2i;
        Unsafe.Add(ref re, 2) = a0r - a2r;
        Unsafe.Add(ref im, 2) = a0i - a2i;
        // a3 * (-i) = (a3i, -a3r)
        Unsafe.Add(ref re, 1) = a1r + a3i;
        Unsafe.Add(ref im, 1) = a1i - a3r;
        Unsafe.Add(ref re, 3) = a1r - a3i;
        Unsafe.Add(ref im, 3) = a1i + a3r;
    }

    /// <summary>
    /// The stages of span 4 and wider, two at a time: each pass runs the radix-2 butterflies of spans q and 2q over a
    /// block of 4q values while they sit in registers, with the same element-wise operations in the same order as two
    /// radix-2 passes, so the result is unchanged bit for bit and memory is read and written half as often. Four
    /// butterflies at once (<see cref="Vector256{T}"/>), eight where <see cref="Vector512{T}"/> is accelerated and
    /// the span is at least 8: lanes never interact, so the vector width changes no result. An odd stage left over
    /// runs on its own. Loads and stores go through refs without bounds checks: every index stays below m, and
    /// stage h's twiddles are at h - 1 .. 2h - 2.
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    private void WideStages(double[] re, double[] im)
    {
        int m = _m;
        ref double re0 = ref MemoryMarshal.GetArrayDataReference(re);
        ref double im0 = ref MemoryMarshal.GetArrayDataReference(im);
        ref double twr0 = ref MemoryMarshal.GetArrayDataReference(_twiddleRe);
        ref double twi0 = ref MemoryMarshal.GetArrayDataReference(_twiddleIm);
        int h = 4;
        bool vector = VectorStages && Vector256.IsHardwareAccelerated;
        if (vector)
        {
            bool wide = WideVectors.Accelerated && Vector512Stages;
            for (; 2 * h < m; h *= 4)
            {
                if (wide && h >= 8)
                {
                    StagePair512(ref re0, ref im0, ref twr0, ref twi0, h, m);
                }
                else if (wide && h == 4 && m >= 32)
                {
                    StagePairOfFour512(ref re0, ref im0, ref twr0, ref twi0, m);
                }
                else
                {
                    StagePair256(ref re0, ref im0, ref twr0, ref twi0, h, m);
                }
            }
        }

        // What is left (one stage when the count is odd, all of them without vectors): radix-2 passes, four
        // butterflies at a time where vectors are accelerated (the same operations per element; it was a scalar pass
        // that made a 1,024- or 4,096-point transform a third slower per point than a 2,048-point one).
        for (; h < m; h *= 2)
        {
            for (int b = 0; b < m; b += 2 * h)
            {
                int j = 0;
                if (vector)
                {
                    for (; j <= h - Vector256<double>.Count; j += Vector256<double>.Count)
                    {
                        nuint top = (nuint)(b + j), bottom = (nuint)(b + h + j), at = (nuint)(h - 1 + j);
                        var wr = Vector256.LoadUnsafe(ref twr0, at);
                        var wi = Vector256.LoadUnsafe(ref twi0, at);
                        Butterfly(ref re0, ref im0, top, bottom, Vector256.LoadUnsafe(ref re0, top), Vector256.LoadUnsafe(ref im0, top),
                            Vector256.LoadUnsafe(ref re0, bottom), Vector256.LoadUnsafe(ref im0, bottom), wr, wi);
                    }
                }

                for (; j < h; j++)
                {
                    int top = b + j, bottom = b + h + j;
                    double wr = Unsafe.Add(ref twr0, h - 1 + j), wi = Unsafe.Add(ref twi0, h - 1 + j);
                    ref double topR = ref Unsafe.Add(ref re0, top);
                    ref double topI = ref Unsafe.Add(ref im0, top);
                    ref double bottomR = ref Unsafe.Add(ref re0, bottom);
                    ref double bottomI = ref Unsafe.Add(ref im0, bottom);
                    double tr = bottomR * wr - bottomI * wi;
                    double ti = bottomR * wi + bottomI * wr;
                    bottomR = topR - tr;
                    bottomI = topI - ti;
                    topR += tr;
                    topI += ti;
                }
            }
        }
    }

    /// <summary>Spans q and 2q over every block of 4q values, four butterflies at a time.</summary>
    [MethodImpl(Kernel.Compile)]
    private static void StagePair256(ref double re0, ref double im0, ref double twr0, ref double twi0, int q, int m)
    {
        nuint tw1 = (nuint)(q - 1), tw2 = (nuint)(2 * q - 1);
        for (int b = 0; b < m; b += 4 * q)
        {
            for (int j = 0; j < q; j += 4)
            {
                nuint p0 = (nuint)(b + j), p1 = p0 + (nuint)q, p2 = p1 + (nuint)q, p3 = p2 + (nuint)q;
                var w1r = Vector256.LoadUnsafe(ref twr0, tw1 + (nuint)j);
                var w1i = Vector256.LoadUnsafe(ref twi0, tw1 + (nuint)j);
                var a0r = Vector256.LoadUnsafe(ref re0, p0);
                var a0i = Vector256.LoadUnsafe(ref im0, p0);
                var a1r = Vector256.LoadUnsafe(ref re0, p1);
                var a1i = Vector256.LoadUnsafe(ref im0, p1);
                var a2r = Vector256.LoadUnsafe(ref re0, p2);
                var a2i = Vector256.LoadUnsafe(ref im0, p2);
                var a3r = Vector256.LoadUnsafe(ref re0, p3);
                var a3i = Vector256.LoadUnsafe(ref im0, p3);

                // Span q: (a0, a1) and (a2, a3), twiddle exp(-i pi j / q).
                var tr = ProductRe(a1r, a1i, w1r, w1i);
                var ti = ProductIm(a1r, a1i, w1r, w1i);
                var b1r = a0r - tr;
                var b1i = a0i - ti;
                var b0r = a0r + tr;
                var b0i = a0i + ti;
                tr = ProductRe(a3r, a3i, w1r, w1i);
                ti = ProductIm(a3r, a3i, w1r, w1i);
                var b3r = a2r - tr;
                var b3i = a2i - ti;
                var b2r = a2r + tr;
                var b2i = a2i + ti;

                // Span 2q: (b0, b2) with exp(-i pi j / 2q), (b1, b3) with exp(-i pi (j + q) / 2q).
                var w2r = Vector256.LoadUnsafe(ref twr0, tw2 + (nuint)j);
                var w2i = Vector256.LoadUnsafe(ref twi0, tw2 + (nuint)j);
                Butterfly(ref re0, ref im0, p0, p2, b0r, b0i, b2r, b2i, w2r, w2i);
                w2r = Vector256.LoadUnsafe(ref twr0, tw2 + (nuint)(j + q));
                w2i = Vector256.LoadUnsafe(ref twi0, tw2 + (nuint)(j + q));
                Butterfly(ref re0, ref im0, p1, p3, b1r, b1i, b3r, b3i, w2r, w2i);
            }
        }
    }

    /// <summary>
    /// One radix-2 butterfly on four lanes, stored: bottom · w is subtracted from the top (written at
    /// <paramref name="bottom"/>) and added to it (written at <paramref name="top"/>), in the scalar pass's order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Butterfly(ref double re0, ref double im0, nuint top, nuint bottom, Vector256<double> topR, Vector256<double> topI,
        Vector256<double> bottomR, Vector256<double> bottomI, Vector256<double> wr, Vector256<double> wi)
    {
        var tr = ProductRe(bottomR, bottomI, wr, wi);
        var ti = ProductIm(bottomR, bottomI, wr, wi);
        (topR - tr).StoreUnsafe(ref re0, bottom);
        (topI - ti).StoreUnsafe(ref im0, bottom);
        (topR + tr).StoreUnsafe(ref re0, top);
        (topI + ti).StoreUnsafe(ref im0, top);
    }

    /// <summary>
    /// <see cref="StagePair256"/> for spans 4 and 8, whose butterflies are four lanes wide: two blocks of 16 at a time,
    /// one in each half of a 512-bit vector, with the same twiddles in both halves (per lane the same operations).
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    private static void StagePairOfFour512(ref double re0, ref double im0, ref double twr0, ref double twi0, int m)
    {
        const int q = 4;
        var w1r = Twice(ref twr0, q - 1);
        var w1i = Twice(ref twi0, q - 1);
        var w2r = Twice(ref twr0, 2 * q - 1);
        var w2i = Twice(ref twi0, 2 * q - 1);
        var w3r = Twice(ref twr0, 3 * q - 1);
        var w3i = Twice(ref twi0, 3 * q - 1);
        for (int b = 0; b < m; b += 8 * q)
        {
            nuint p0 = (nuint)b, p1 = p0 + q, p2 = p1 + q, p3 = p2 + q;
            var a0r = Pair(ref re0, p0);
            var a0i = Pair(ref im0, p0);
            var a1r = Pair(ref re0, p1);
            var a1i = Pair(ref im0, p1);
            var a2r = Pair(ref re0, p2);
            var a2i = Pair(ref im0, p2);
            var a3r = Pair(ref re0, p3);
            var a3i = Pair(ref im0, p3);

            var tr = ProductRe(a1r, a1i, w1r, w1i);
            var ti = ProductIm(a1r, a1i, w1r, w1i);
            var b1r = a0r - tr;
            var b1i = a0i - ti;
            var b0r = a0r + tr;
            var b0i = a0i + ti;
            tr = ProductRe(a3r, a3i, w1r, w1i);
            ti = ProductIm(a3r, a3i, w1r, w1i);
            var b3r = a2r - tr;
            var b3i = a2i - ti;
            var b2r = a2r + tr;
            var b2i = a2i + ti;

            tr = ProductRe(b2r, b2i, w2r, w2i);
            ti = ProductIm(b2r, b2i, w2r, w2i);
            Unpair(b0r - tr, ref re0, p2);
            Unpair(b0i - ti, ref im0, p2);
            Unpair(b0r + tr, ref re0, p0);
            Unpair(b0i + ti, ref im0, p0);
            tr = ProductRe(b3r, b3i, w3r, w3i);
            ti = ProductIm(b3r, b3i, w3r, w3i);
            Unpair(b1r - tr, ref re0, p3);
            Unpair(b1i - ti, ref im0, p3);
            Unpair(b1r + tr, ref re0, p1);
            Unpair(b1i + ti, ref im0, p1);
        }

        // Four values at offset and at offset + 16 (the same place in the next block), and back.
        static Vector512<double> Pair(ref double x, nuint offset) =>
            Vector512.Create(Vector256.LoadUnsafe(ref x, offset), Vector256.LoadUnsafe(ref x, offset + 4 * q));

        static void Unpair(Vector512<double> v, ref double x, nuint offset)
        {
            v.GetLower().StoreUnsafe(ref x, offset);
            v.GetUpper().StoreUnsafe(ref x, offset + 4 * q);
        }

        static Vector512<double> Twice(ref double x, int offset)
        {
            var v = Vector256.LoadUnsafe(ref x, (nuint)offset);
            return Vector512.Create(v, v);
        }
    }

    /// <summary><see cref="StagePair256"/> eight butterflies at a time (q a multiple of 8): the same operations per element.</summary>
    [MethodImpl(Kernel.Compile)]
    private static void StagePair512(ref double re0, ref double im0, ref double twr0, ref double twi0, int q, int m)
    {
        nuint tw1 = (nuint)(q - 1), tw2 = (nuint)(2 * q - 1);
        for (int b = 0; b < m; b += 4 * q)
        {
            for (int j = 0; j < q; j += 8)
            {
                nuint p0 = (nuint)(b + j), p1 = p0 + (nuint)q, p2 = p1 + (nuint)q, p3 = p2 + (nuint)q;
                var w1r = Vector512.LoadUnsafe(ref twr0, tw1 + (nuint)j);
                var w1i = Vector512.LoadUnsafe(ref twi0, tw1 + (nuint)j);
                var a0r = Vector512.LoadUnsafe(ref re0, p0);
                var a0i = Vector512.LoadUnsafe(ref im0, p0);
                var a1r = Vector512.LoadUnsafe(ref re0, p1);
                var a1i = Vector512.LoadUnsafe(ref im0, p1);
                var a2r = Vector512.LoadUnsafe(ref re0, p2);
                var a2i = Vector512.LoadUnsafe(ref im0, p2);
                var a3r = Vector512.LoadUnsafe(ref re0, p3);
                var a3i = Vector512.LoadUnsafe(ref im0, p3);

                // Span q: (a0, a1) and (a2, a3), twiddle exp(-i pi j / q).
                var tr = ProductRe(a1r, a1i, w1r, w1i);
                var ti = ProductIm(a1r, a1i, w1r, w1i);
                var b1r = a0r - tr;
                var b1i = a0i - ti;
                var b0r = a0r + tr;
                var b0i = a0i + ti;
                tr = ProductRe(a3r, a3i, w1r, w1i);
                ti = ProductIm(a3r, a3i, w1r, w1i);
                var b3r = a2r - tr;
                var b3i = a2i - ti;
                var b2r = a2r + tr;
                var b2i = a2i + ti;

                // Span 2q: (b0, b2) with exp(-i pi j / 2q), (b1, b3) with exp(-i pi (j + q) / 2q).
                var w2r = Vector512.LoadUnsafe(ref twr0, tw2 + (nuint)j);
                var w2i = Vector512.LoadUnsafe(ref twi0, tw2 + (nuint)j);
                tr = ProductRe(b2r, b2i, w2r, w2i);
                ti = ProductIm(b2r, b2i, w2r, w2i);
                (b0r - tr).StoreUnsafe(ref re0, p2);
                (b0i - ti).StoreUnsafe(ref im0, p2);
                (b0r + tr).StoreUnsafe(ref re0, p0);
                (b0i + ti).StoreUnsafe(ref im0, p0);
                w2r = Vector512.LoadUnsafe(ref twr0, tw2 + (nuint)(j + q));
                w2i = Vector512.LoadUnsafe(ref twi0, tw2 + (nuint)(j + q));
                tr = ProductRe(b3r, b3i, w2r, w2i);
                ti = ProductIm(b3r, b3i, w2r, w2i);
                (b1r - tr).StoreUnsafe(ref re0, p3);
                (b1i - ti).StoreUnsafe(ref im0, p3);
                (b1r + tr).StoreUnsafe(ref re0, p1);
                (b1i + ti).StoreUnsafe(ref im0, p1);
            }
        }
    }

    // (xr + i xi)(wr + i wi), four at a time, in the order the scalar stages use. Two methods returning one vector
    // each, not one returning a tuple: a tuple of vectors keeps ReadyToRun from precompiling the caller.

    /// <summary>The real part of (xr + i xi)(wr + i wi).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ProductRe(Vector256<double> xr, Vector256<double> xi, Vector256<double> wr, Vector256<double> wi) => xr * wr - xi * wi;

    /// <summary>The imaginary part of (xr + i xi)(wr + i wi).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ProductIm(Vector256<double> xr, Vector256<double> xi, Vector256<double> wr, Vector256<double> wi) => xr * wi + xi * wr;

    /// <summary>The real part of (xr + i xi)(wr + i wi), eight at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> ProductRe(Vector512<double> xr, Vector512<double> xi, Vector512<double> wr, Vector512<double> wi) => xr * wr - xi * wi;

    /// <summary>The imaginary part of (xr + i xi)(wr + i wi), eight at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> ProductIm(Vector512<double> xr, Vector512<double> xi, Vector512<double> wr, Vector512<double> wi) => xr * wi + xi * wr;
}
