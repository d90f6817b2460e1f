using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EmotionML.Audio;

namespace EmotionML.Features;

/// <summary>
/// The octave sub-bands of librosa's <c>spectral_contrast</c>, reproduced bin for bin: band k spans
/// [fmin·2^(k-1), fmin·2^k] (band 0 from 0 Hz), every band after the first also takes the bin just below it,
/// every band but the last drops its top bin, the last takes all bins above it, and peak and valley are the
/// means of the <c>max(1, rint(quantile · bins))</c> largest and smallest magnitudes.
/// </summary>
internal sealed class SpectralContrastBands
{
    private readonly int[] _start;
    private readonly int[] _length;
    private readonly int[] _take;
    private readonly float[] _candidates;
    private readonly float[] _lowCandidates;
    private float[] _low = [];
    private float[] _high = [];

    public SpectralContrastBands(SpectralContrastOptions options, int sampleRate, int fftSize)
    {
        int bands = options.BandCount + 1;
        int bins = fftSize / 2 + 1;
        _start = new int[bands];
        _length = new int[bands];
        _take = new int[bands];
        var edges = new double[bands + 1];
        for (int i = 1; i <= bands; i++)
        {
            edges[i] = options.MinFrequency * Math.Pow(2, i - 1);
        }

        for (int k = 0; k < bands; k++)
        {
            int first = -1, last = -1;
            for (int b = 0; b < bins; b++)
            {
                double f = b * (double)sampleRate / fftSize;
                if (f >= edges[k] && f <= edges[k + 1])
                {
                    if (first < 0)
                    {
                        first = b;
                    }

                    last = b;
                }
            }

            if (first < 0)
            {
                throw new ArgumentException($"Spectral contrast band {k} ({edges[k]}–{edges[k + 1]} Hz) holds no FFT bin; use a larger FFT or a higher MinFrequency.");
            }

            if (k > 0)
            {
                first--;
            }

            if (k == bands - 1)
            {
                last = bins - 1;
            }

            int count = last - first + 1; // bins selected, before the top one is dropped
            _start[k] = first;
            _length[k] = k < bands - 1 ? count - 1 : count;
            _take[k] = Math.Max(1, (int)Math.Round(options.Quantile * count, MidpointRounding.ToEven));
            if (_length[k] < 1)
            {
                throw new ArgumentException($"Spectral contrast band {k} is empty at this FFT size.");
            }
        }

        int longest = 0;
        foreach (int length in _length)
        {
            longest = Math.Max(longest, length);
        }

        _candidates = new float[longest + Vector256<float>.Count]; // a block's values are stored 8 at a time
        _lowCandidates = new float[_candidates.Length];
    }

    public int Rows => _start.Length;

    /// <summary>Peak and valley (linear magnitude) of every band for one frame.</summary>
    [MethodImpl(Kernel.Compile)]
    public void Compute(ReadOnlySpan<float> magnitude, Span<float> peak, Span<float> valley)
    {
        for (int k = 0; k < _start.Length; k++)
        {
            var band = magnitude.Slice(_start[k], _length[k]);
            int take = Math.Min(_take[k], band.Length);
            if (_low.Length < take)
            {
                _low = new float[take];
                _high = new float[take];
            }

            if (take == 1)
            {
                (valley[k], peak[k]) = SpanMath.MinMax(band);
                continue;
            }

            SelectExtremes(band, take, _low.AsSpan(0, take), _high.AsSpan(0, take));
            float lowSum = 0, highSum = 0;
            for (int i = 0; i < take; i++)
            {
                lowSum += _low[i];
                highSum += _high[i];
            }

            valley[k] = lowSum / take;
            peak[k] = highSum / take;
        }
    }

    /// <summary>
    /// The <paramref name="take"/> smallest (ascending) and largest (descending) values. With AVX2, take at most 8 and a
    /// band of at least 8 values: <see cref="SelectExtremesByThreshold"/>. Otherwise by insertion, the largest values
    /// searched from the band's low end and the smallest from its high end (a speech spectrum falls with frequency
    /// within a band, so few values enter the running selection that way). The result does not depend on the order of
    /// reading: the selections are the same values, sorted.
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    private void SelectExtremes(ReadOnlySpan<float> values, int take, Span<float> low, Span<float> high)
    {
        if (Avx2.IsSupported && take <= Vector256<float>.Count && values.Length >= Vector256<float>.Count
            && SelectExtremesByThreshold(values, take, low, high))
        {
            return;
        }

        low.Fill(float.PositiveInfinity);
        high.Fill(float.NegativeInfinity);
        float highMin = float.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            InsertLargest(values[i], take, high, ref highMin);
        }

        float lowMax = float.PositiveInfinity;
        for (int i = values.Length - 1; i >= 0; i--)
        {
            InsertSmallest(values[i], take, low, ref lowMax);
        }
    }

    /// <summary>
    /// <see cref="SelectExtremes"/> for take &lt;= 8 (every band at the default quantile) on bands of at least 8 values,
    /// in two vector passes without a data-dependent branch. The band's values fall into 8 disjoint groups (the lanes:
    /// positions i ≡ j mod 8); the take-th largest of the 8 group maxima is at most the band's take-th largest value,
    /// because those take maxima are take different values of the band. So every value of the selection is at least
    /// that threshold, and only the few values that reach it (packed eight at a time) enter the selection. The same
    /// for the smallest, with minima. The selections are the same values, sorted, as any other way of finding them
    /// gives. Returns false (and selects nothing) where fewer than take values reach a threshold, which only a NaN can
    /// cause. Measured in <c>SpectralKernelBenchmarks</c>.
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    private bool SelectExtremesByThreshold(ReadOnlySpan<float> values, int take, Span<float> low, Span<float> high)
    {
        const int width = 8;
        int n = values.Length;
        ref float first = ref MemoryMarshal.GetReference(values);

        // The tail (n mod 8 values) is read as the band's last 8 values with the lanes already read masked off, so it
        // joins the top lanes, one value each.
        int tail = n % width;
        var tailLanes = Vector256.GreaterThanOrEqual(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(width - tail)).AsSingle();
        var last = Vector256.LoadUnsafe(ref first, (nuint)(n - width));

        // Pass 1: each lane's maximum and minimum, with the processor's instructions (one each, where the IEEE
        // maximum and minimum take several on AVX2): magnitudes are never NaN (finite samples; a bin that overflows
        // float32 is +infinity), so they agree.
        var maxima = Vector256.LoadUnsafe(ref first);
        var minima = maxima;
        int i = width;
        for (; i <= n - width; i += width)
        {
            var v = Vector256.LoadUnsafe(ref first, (nuint)i);
            maxima = Vector256.MaxNative(maxima, v);
            minima = Vector256.MinNative(minima, v);
        }

        maxima = Vector256.MaxNative(maxima, Vector256.ConditionalSelect(tailLanes, last, Vector256.Create(float.NegativeInfinity)));
        minima = Vector256.MinNative(minima, Vector256.ConditionalSelect(tailLanes, last, Vector256.Create(float.PositiveInfinity)));
        var highAt = Vector256.Create(LargestAt(maxima, take));
        var lowAt = Vector256.Create(-LargestAt(-minima, take));

        // Pass 2: the values that reach a threshold, in the band's order, packed without a branch (the blocks holding
        // one are few and scattered: a branch per block mispredicted often enough to cost more than the rest).
        ref float candidates = ref MemoryMarshal.GetArrayDataReference(_candidates);
        ref float lowCandidates = ref MemoryMarshal.GetArrayDataReference(_lowCandidates);
        int count = 0, lowCount = 0;
        for (i = 0; i <= n - width; i += width)
        {
            var v = Vector256.LoadUnsafe(ref first, (nuint)i);
            Pack(v, Vector256.GreaterThanOrEqual(v, highAt), ref candidates, ref count);
            Pack(v, Vector256.LessThanOrEqual(v, lowAt), ref lowCandidates, ref lowCount);
        }

        Pack(last, Vector256.GreaterThanOrEqual(last, highAt) & tailLanes, ref candidates, ref count);
        Pack(last, Vector256.LessThanOrEqual(last, lowAt) & tailLanes, ref lowCandidates, ref lowCount);
        if (count < take || lowCount < take)
        {
            return false;
        }

        // Each selection is one sorted vector that every candidate enters (the smallest negated: negation is exact and
        // turns every comparison around). Lanes past take are carried along and never read.
        // Both in one loop while both have candidates: two independent chains of dependent steps overlap.
        var largest = Vector256.Create(float.NegativeInfinity);
        var smallestNegated = largest;
        int both = Math.Min(count, lowCount), c = 0;
        for (; c < both; c++)
        {
            largest = Enter(largest, Unsafe.Add(ref candidates, c));
            smallestNegated = Enter(smallestNegated, -Unsafe.Add(ref lowCandidates, c));
        }

        for (int rest = c; rest < count; rest++)
        {
            largest = Enter(largest, Unsafe.Add(ref candidates, rest));
        }

        for (int rest = c; rest < lowCount; rest++)
        {
            smallestNegated = Enter(smallestNegated, -Unsafe.Add(ref lowCandidates, rest));
        }

        Span<float> lanes = stackalloc float[width];
        largest.StoreUnsafe(ref MemoryMarshal.GetReference(lanes)); // not CopyTo: ReadyToRun compiles only this
        lanes[..take].CopyTo(high);
        (-smallestNegated).StoreUnsafe(ref MemoryMarshal.GetReference(lanes));
        lanes[..take].CopyTo(low);
        return true;
    }

    /// <summary>Appends the lanes of <paramref name="v"/> that <paramref name="selected"/> marks (<see cref="LanePacking.Pack"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pack(Vector256<float> v, Vector256<float> selected, ref float target, ref int count) =>
        LanePacking.Pack(v, selected.ExtractMostSignificantBits(), ref target, ref count);

    /// <summary>
    /// A descending selection with v entered: lanes at least v stay, the first lane below v takes it, the lanes after
    /// it shift right by one (the last one drops out).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Enter(Vector256<float> descending, float v)
    {
        var value = Vector256.Create(v);
        var shifted = Vector256.Shuffle(descending, Vector256.Create(0, 0, 1, 2, 3, 4, 5, 6));
        var stays = Vector256.GreaterThanOrEqual(descending, value);
        var takes = Vector256.GreaterThanOrEqual(shifted, value) | Vector256.Create(-1, 0, 0, 0, 0, 0, 0, 0).AsSingle();
        return Vector256.ConditionalSelect(stays, descending, Vector256.ConditionalSelect(takes, value, shifted));
    }

    /// <summary>
    /// The k-th largest of the 8 lanes (k from 1), without a branch: each lane counts the lanes above it and the
    /// lanes at least as large (eight rotations), and the k-th largest is a lane with fewer than k above it and at
    /// least k at or above it (equal values qualify together).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a vector parameter: ReadyToRun precompiles it only inlined
    private static float LargestAt(Vector256<float> v, int k)
    {
        // The rotations written out: Shuffle is one instruction only with constant indices.
        var above = Vector256<int>.Zero;
        var atOrAbove = Vector256<int>.Zero;
        CountAgainst(Vector256.Shuffle(v, Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7)), v, ref above, ref atOrAbove);
        CountAgainst(Vector256.Shuffle(v, Vector256.Create(1, 2, 3, 4, 5, 6, 7, 0)), v, ref above, ref atOrAbove);
        CountAgainst(Vector256.Shuffle(v, Vector256.Create(2, 3, 4, 5, 6, 7, 0, 1)), v, ref above, ref atOrAbove);
        CountAgainst(Vector256.Shuffle(v, Vector256.Create(3, 4, 5, 6, 7, 0, 1, 2)), v, ref above, ref atOrAbove);
        CountAgainst(Vector256.Shuffle(v, Vector256.Create(4, 5, 6, 7, 0, 1, 2, 3)), v, ref above, ref atOrAbove);
        CountAgainst(Vector256.Shuffle(v, Vector256.Create(5, 6, 7, 0, 1, 2, 3, 4)), v, ref above, ref atOrAbove);
        CountAgainst(Vector256.Shuffle(v, Vector256.Create(6, 7, 0, 1, 2, 3, 4, 5)), v, ref above, ref atOrAbove);
        CountAgainst(Vector256.Shuffle(v, Vector256.Create(7, 0, 1, 2, 3, 4, 5, 6)), v, ref above, ref atOrAbove);
        var rank = Vector256.Create(k);
        uint lanes = (Vector256.LessThan(above, rank) & Vector256.GreaterThanOrEqual(atOrAbove, rank)).ExtractMostSignificantBits();
        // Read from memory rather than by GetElement, whose range check ReadyToRun cannot precompile (lane is 0..7).
        return Unsafe.Add(ref Unsafe.As<Vector256<float>, float>(ref v), BitOperations.TrailingZeroCount(lanes | 0x80u));
    }

    /// <summary>Adds, lane by lane, whether <paramref name="other"/> is above and at or above <paramref name="v"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CountAgainst(Vector256<float> other, Vector256<float> v, ref Vector256<int> above, ref Vector256<int> atOrAbove)
    {
        above -= Vector256.GreaterThan(other, v).AsInt32();
        atOrAbove -= Vector256.GreaterThanOrEqual(other, v).AsInt32();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InsertSmallest(float v, int take, Span<float> low, ref float lowMax)
    {
        if (v < lowMax)
        {
            int i = take - 1;
            while (i > 0 && low[i - 1] > v)
            {
                low[i] = low[i - 1];
                i--;
            }

            low[i] = v;
            lowMax = low[take - 1];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InsertLargest(float v, int take, Span<float> high, ref float highMin)
    {
        if (v > highMin)
        {
            int i = take - 1;
            while (i > 0 && high[i - 1] < v)
            {
                high[i] = high[i - 1];
                i--;
            }

            high[i] = v;
            highMin = high[take - 1];
        }
    }
}
