using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    }

    public int Rows => _start.Length;

    /// <summary>Peak and valley (linear magnitude) of every band for one frame.</summary>
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
                valley[k] = System.Numerics.Tensors.TensorPrimitives.Min(band);
                peak[k] = System.Numerics.Tensors.TensorPrimitives.Max(band);
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
    /// The <paramref name="take"/> smallest (ascending) and largest (descending) values, by insertion: take is small.
    /// A speech spectrum falls with frequency within a band, so the largest values are searched from the band's
    /// low end and the smallest from its high end: scanned that way, few values enter the running selection (read
    /// in one direction, nearly every value would be a new minimum and shift the whole selection). With vectors,
    /// blocks of eight values that cannot enter are skipped with one comparison and each selection lives in one
    /// vector. The result does not depend on the order of reading: the selections are the same values, sorted.
    /// </summary>
    private static void SelectExtremes(ReadOnlySpan<float> values, int take, Span<float> low, Span<float> high)
    {
        if (Vector256.IsHardwareAccelerated && take <= Vector256<float>.Count)
        {
            SelectExtremesInVectors(values, take, low, high);
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
    /// <see cref="SelectExtremes"/> for take &lt;= 8 (every band at the default quantile): each selection is one
    /// sorted vector, and a value enters it without a loop, by comparing it with every lane and with every lane's
    /// left neighbour (lanes that stay, the lane it takes, lanes that shift right). Lanes past take are carried
    /// along and never read.
    /// </summary>
    private static void SelectExtremesInVectors(ReadOnlySpan<float> values, int take, Span<float> low, Span<float> high)
    {
        const int width = 8;
        ref float first = ref MemoryMarshal.GetReference(values);

        // Largest, descending, read from the band's low end.
        var largest = Vector256.Create(float.NegativeInfinity);
        float highMin = float.NegativeInfinity;
        int i = 0;
        for (; i < values.Length; i += width)
        {
            uint lanes;
            if (i <= values.Length - width)
            {
                lanes = Vector256.GreaterThan(Vector256.LoadUnsafe(ref first, (nuint)i), Vector256.Create(highMin)).ExtractMostSignificantBits();
            }
            else
            {
                lanes = (1u << (values.Length - i)) - 1; // the tail, one by one
            }

            for (; lanes != 0; lanes &= lanes - 1)
            {
                float v = values[i + BitOperations.TrailingZeroCount(lanes)];
                if (v > highMin)
                {
                    largest = Enter(largest, v);
                    highMin = largest.GetElement(take - 1);
                }
            }
        }

        // Smallest, ascending, read from the band's high end: kept negated, as the largest of the negated values
        // (negation is exact and turns every comparison around).
        var smallestNegated = Vector256.Create(float.NegativeInfinity);
        float lowMax = float.PositiveInfinity;
        for (i = values.Length; i > 0; i -= width)
        {
            int start = i - width;
            uint lanes;
            if (start >= 0)
            {
                lanes = Vector256.LessThan(Vector256.LoadUnsafe(ref first, (nuint)start), Vector256.Create(lowMax)).ExtractMostSignificantBits();
            }
            else
            {
                lanes = ((1u << i) - 1) << -start; // the head, one by one
            }

            // From the block's top lane down.
            for (; lanes != 0; lanes &= ~(1u << (31 - BitOperations.LeadingZeroCount(lanes))))
            {
                float v = values[start + 31 - BitOperations.LeadingZeroCount(lanes)];
                if (v < lowMax)
                {
                    smallestNegated = Enter(smallestNegated, -v);
                    lowMax = -smallestNegated.GetElement(take - 1);
                }
            }
        }

        Span<float> lanesOut = stackalloc float[width];
        largest.CopyTo(lanesOut);
        lanesOut[..take].CopyTo(high);
        (-smallestNegated).CopyTo(lanesOut);
        lanesOut[..take].CopyTo(low);
    }

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
