using EmotionML.Audio;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmotionML.Features;

/// <summary>
/// librosa's <c>estimate_tuning</c>: parabolic-interpolated spectral peaks (<c>piptrack</c>: 150–4000 Hz, above
/// 0.1 × the frame maximum), keep those at or above the median peak magnitude, histogram their deviation from the
/// equal-tempered grid in 0.01-bin steps, and return the left edge of the fullest bin. Arithmetic is float32
/// where librosa's is, so that the histogram bins agree.
/// </summary>
internal sealed class TuningEstimator
{
    private const float MinFrequency = 150f;
    private const float MaxFrequency = 4000f;
    private const float Threshold = 0.1f;
    private const int HistogramBins = 100; // resolution 0.01

    // Peaks in plain arrays rather than List<float>: the same values in the same order, without the generic list's
    // methods, which ReadyToRun cannot precompile and the tool JIT-compiled on its first clip.
    private float[] _pitches = new float[256];
    private float[] _magnitudes = new float[256];
    private float[] _scratch = [];
    private int _count;
    private (int Bins, int SampleRate, int FftSize) _rangeKey;
    private (int First, int End) _range;

    /// <summary>The gathered peaks' frequencies and magnitudes, in order (tests compare them).</summary>
    internal (ReadOnlyMemory<float> Pitches, ReadOnlyMemory<float> Magnitudes) Peaks => (_pitches.AsMemory(0, _count), _magnitudes.AsMemory(0, _count));

    /// <summary>Peaks gathered since the last <see cref="Reset"/>.</summary>
    public int PeakCount => _count;

    public void Reset()
    {
        _count = 0;
    }

    /// <summary>Adds one frame's spectrum (power or magnitude) and its largest value, <paramref name="max"/> (the caller has it from the pass that made the spectrum).</summary>
    [MethodImpl(Kernel.Compile)]
    public void AddFrame(ReadOnlySpan<float> s, float max, int sampleRate, int fftSize)
    {
        float reference = Threshold * max;
        float binHz = (float)sampleRate / fftSize;
        if (_rangeKey != (s.Length, sampleRate, fftSize))
        {
            _range = BinRange(s.Length, sampleRate, fftSize);
            _rangeKey = (s.Length, sampleRate, fftSize);
        }

        (int first, int end) = _range;
        int k = first;
        if (Vector256.IsHardwareAccelerated && Avx2.IsSupported)
        {
            // Eight bins at a time: the peaks' interpolation is computed for all eight lanes (AddPeak's operations,
            // lane by lane) and the lanes holding a peak are appended in bin order, without a branch per peak.
            ref float s0 = ref MemoryMarshal.GetReference(s);
            var r = Vector256.Create(reference);
            var half = Vector256.Create(0.5f);
            var hz = Vector256.Create((double)binHz);
            var lanesLow = Vector256.Create(0.0, 1, 2, 3);
            var lanesHigh = Vector256.Create(4.0, 5, 6, 7);
            for (; k <= end - Vector256<float>.Count; k += Vector256<float>.Count)
            {
                var sx = Vector256.LoadUnsafe(ref s0, (nuint)k);
                var sl = Vector256.LoadUnsafe(ref s0, (nuint)(k - 1));
                var sr = Vector256.LoadUnsafe(ref s0, (nuint)(k + 1));
                var x = Vector256.ConditionalSelect(Vector256.GreaterThan(sx, r), sx, Vector256<float>.Zero);
                var xl = Vector256.ConditionalSelect(Vector256.GreaterThan(sl, r), sl, Vector256<float>.Zero);
                var xr = Vector256.ConditionalSelect(Vector256.GreaterThan(sr, r), sr, Vector256<float>.Zero);
                uint peaks = (Vector256.GreaterThan(x, xl) & Vector256.GreaterThanOrEqual(x, xr)).ExtractMostSignificantBits();
                if (peaks == 0)
                {
                    continue;
                }

                Reserve(Vector256<float>.Count);

                var a = sr + sl - Vector256.Create(2f) * sx;
                var b = (sr - sl) / Vector256.Create(2f);
                var shift = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(Vector256.Abs(b), Vector256.Abs(a)), Vector256<float>.Zero, -b / a);
                var dskew = half * b * shift;
                var bin = Vector256.Create((double)k);
                var pitch = Vector256.Narrow((bin + lanesLow + Vector256.WidenLower(shift)) * hz, (bin + lanesHigh + Vector256.WidenUpper(shift)) * hz);
                int at = _count;
                LanePacking.Pack(pitch, peaks, ref MemoryMarshal.GetArrayDataReference(_pitches), ref at);
                LanePacking.Pack(sx + dskew, peaks, ref MemoryMarshal.GetArrayDataReference(_magnitudes), ref _count);
            }
        }

        for (; k < end; k++)
        {
            // localmax of S * (S > ref): x[k] > x[k-1] and x[k] >= x[k+1]
            float x = s[k] > reference ? s[k] : 0f;
            float xl = s[k - 1] > reference ? s[k - 1] : 0f;
            float xr = s[k + 1] > reference ? s[k + 1] : 0f;
            if (x > xl && x >= xr)
            {
                AddPeak(s, k, binHz);
            }
        }
    }

    /// <summary>
    /// numpy's median of the peak magnitudes (the mean of the two middle values when the count is even), by
    /// selection instead of a full sort: the same order statistics, so the same value. A clip has thousands of peaks:
    /// one counting pass over the values' top 11 bits (as ordered keys) finds the bucket holding the middle, a
    /// second keeps only that bucket's values (a few dozen), and quickselect finishes among them; without the
    /// unpredictable branches of partitioning thousands of values, this costs about a third as much.
    /// </summary>
    internal static float Median(Span<float> values)
    {
        int n = values.Length;
        foreach (float v in values)
        {
            if (float.IsNaN(v))
            {
                // A sort's order for NaN (first), which comparisons cannot give.
                values.Sort();
                return n % 2 == 1 ? values[n / 2] : (float)((values[n / 2 - 1] + (double)values[n / 2]) / 2);
            }
        }

        int k = n / 2;
        float below = float.NegativeInfinity; // the largest value in the buckets before the middle one
        if (n >= 256)
        {
            values = values[..MiddleBucket(values, ref k, out below)];
        }

        float upper = Select(values, k);
        if (n % 2 == 1)
        {
            return upper;
        }

        // Everything before position k is at most the k-th value: the other middle value is their maximum (or, when
        // the middle value is its bucket's smallest, the largest value of the buckets before it).
        float lower = below;
        for (int i = 0; i < k; i++)
        {
            lower = Math.Max(lower, values[i]);
        }

        return (float)((lower + (double)upper) / 2);
    }

    /// <summary>
    /// Moves the values of the bucket (top 11 bits of the order-preserving key) that holds the k-th smallest to the
    /// front of <paramref name="values"/> and returns their count; <paramref name="k"/> becomes its rank among them,
    /// <paramref name="below"/> the largest value of the buckets before it.
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    private static int MiddleBucket(Span<float> values, ref int k, out float below)
    {
        const int Shift = 21, Buckets = 1 << (32 - Shift);
        Span<int> counts = stackalloc int[Buckets];
        counts.Clear();
        foreach (float v in values)
        {
            counts[(int)(Key(v) >> Shift)]++;
        }

        int bucket = 0, before = 0;
        while (before + counts[bucket] <= k)
        {
            before += counts[bucket++];
        }

        // Keep the middle bucket's values (writing behind the read position) and the largest of those before it.
        int kept = 0;
        below = float.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            uint b = Key(v) >> Shift;
            values[kept] = v;
            kept += b == (uint)bucket ? 1 : 0;
            below = b < (uint)bucket ? Math.Max(below, v) : below;
        }

        k -= before;
        return kept;

        // Unsigned keys in the order of the values: positive floats with the sign bit set, negative ones inverted.
        static uint Key(float v)
        {
            uint bits = BitConverter.SingleToUInt32Bits(v);
            return bits ^ (uint)((int)bits >> 31 | int.MinValue);
        }
    }

    /// <summary>The k-th smallest value (0-based); reorders the array so that no value before k is larger.</summary>
    [MethodImpl(Kernel.Compile)]
    private static float Select(Span<float> a, int k)
    {
        int lo = 0, hi = a.Length - 1;
        int budget = 2 * (BitOperations.Log2((uint)a.Length) + 2);
        while (hi > lo)
        {
            if (budget-- == 0)
            {
                a.Slice(lo, hi - lo + 1).Sort();
                return a[k];
            }

            float x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi];
            float pivot = Math.Max(Math.Min(x, y), Math.Min(Math.Max(x, y), z));
            int i = lo, j = hi;
            while (i <= j)
            {
                while (a[i] < pivot)
                {
                    i++;
                }

                while (a[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (a[i], a[j]) = (a[j], a[i]);
                    i++;
                    j--;
                }
            }

            // Now a[lo..j] <= pivot <= a[i..hi], and anything between j and i equals the pivot.
            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                return a[k];
            }
        }

        return a[k];
    }

    /// <summary>The bins piptrack searches, [first, end): 150 Hz &lt;= f &lt; min(4000 Hz, Nyquist), neighbours on both sides.</summary>
    private static (int First, int End) BinRange(int bins, int sampleRate, int fftSize)
    {
        double fmax = Math.Min(MaxFrequency, sampleRate / 2.0);
        int first = Math.Max(1, (int)Math.Ceiling(MinFrequency / (sampleRate / (double)fftSize)));
        while (first < bins && first * (double)sampleRate / fftSize < MinFrequency)
        {
            first++;
        }

        int end = first;
        while (end <= bins - 2 && end * (double)sampleRate / fftSize < fmax)
        {
            end++;
        }

        return (first, end);
    }

    /// <summary>The parabolic-interpolated frequency and magnitude of the peak at bin k.</summary>
    [MethodImpl(Kernel.Compile)]
    internal void AddPeak(ReadOnlySpan<float> s, int k, float binHz)
    {
        float a = s[k + 1] + s[k - 1] - 2 * s[k];
        float b = (s[k + 1] - s[k - 1]) / 2;
        float shift = Math.Abs(b) >= Math.Abs(a) ? 0f : -b / a;
        float dskew = 0.5f * b * shift;
        Reserve(1);

        _pitches[_count] = (float)((k + (double)shift) * binHz);
        _magnitudes[_count] = s[k] + dskew;
        _count++;
    }

    /// <summary>Room for <paramref name="more"/> peaks after the gathered ones (doubling the arrays when they are full).</summary>
    private void Reserve(int more)
    {
        if (_count + more > _pitches.Length)
        {
            _pitches = Grown(_pitches);
            _magnitudes = Grown(_magnitudes);
        }
    }

    /// <summary>Twice as long, the values kept (not Array.Resize: a generic method the tool JIT-compiled).</summary>
    private static float[] Grown(float[] values)
    {
        var grown = new float[2 * values.Length];
        values.CopyTo(grown, 0);
        return grown;
    }

    /// <summary>The estimated tuning in fractions of a bin, in [-0.5, 0.5); 0 when there are no peaks.</summary>
    [MethodImpl(Kernel.Compile)]
    public double Estimate(int binsPerOctave)
    {
        if (_count == 0)
        {
            return 0.0;
        }

        // The median reorders what it is given: a reused copy.
        if (_scratch.Length < _count)
        {
            _scratch = new float[_pitches.Length];
        }

        Array.Copy(_magnitudes, _scratch, _count);
        float median = Median(_scratch.AsSpan(0, _count));

        var edges = new double[HistogramBins + 1];
        double step = 1.0 / HistogramBins;
        for (int i = 0; i <= HistogramBins; i++)
        {
            edges[i] = -0.5 + i * step;
        }

        edges[HistogramBins] = 0.5;
        // The peaks at or above the median with a positive frequency, compacted without a branch per peak (half of
        // them pass, in no predictable pattern), then histogrammed.
        var kept = _scratch.AsSpan(0, _count);
        int keptCount = 0;
        for (int i = 0; i < _count; i++)
        {
            float pitch = _pitches[i];
            kept[keptCount] = pitch;
            keptCount += (_magnitudes[i] >= median) & (pitch > 0) ? 1 : 0;
        }

        var counts = new int[HistogramBins];
        const float a440Over16 = 440f / 16f;
        foreach (float pitch in kept[..keptCount])
        {
            float octs = MathF.Log2(pitch / a440Over16);
            float scaled = binsPerOctave * octs;

            // scaled - floor(scaled), less one when that is at least 0.5 (less 0 otherwise, which changes nothing):
            // the one chosen by a mask rather than a branch, which half of the peaks would mispredict.
            float residual = scaled - MathF.Floor(scaled);
            residual -= BitConverter.Int32BitsToSingle(-(residual >= 0.5f ? 1 : 0) & 0x3F80_0000);
            int index = (int)Math.Floor((residual - edges[0]) * HistogramBins);
            index = Math.Clamp(index, 0, HistogramBins - 1);
            if (residual < edges[index])
            {
                index--;
            }
            else if (index < HistogramBins - 1 && residual >= edges[index + 1])
            {
                index++;
            }

            if (index >= 0)
            {
                counts[index]++;
            }
        }

        int best = 0;
        for (int i = 1; i < HistogramBins; i++)
        {
            if (counts[i] > counts[best])
            {
                best = i;
            }
        }

        return edges[best];
    }
}
