using EmotionML.Audio;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EmotionML.Features;

/// <summary>
/// librosa's <c>feature.delta(order=1, mode="interp")</c>: a Savitzky–Golay first derivative (polyorder 1), i.e.
/// the least-squares slope over <c>width</c> frames. At the edges, "interp" fits the first and last
/// <c>width</c> frames, which for a straight line means the slope at the first and last full window. librosa
/// refuses clips shorter than the window; here such a clip gets the least-squares slope over all its frames.
/// </summary>
internal static class DeltaFilter
{
    [MethodImpl(Kernel.Compile)]
    public static FeatureMatrix Apply(FeatureMatrix input, int width, MatrixArena? arena = null)
    {
        int frames = input.Frames;
        var output = arena?.Take(input.Rows, frames) ?? new FeatureMatrix(input.Rows, frames);
        if (frames < 2)
        {
            return output;
        }

        // The least-squares denominator depends on the window length alone: once, not once per frame and row.
        double fullDenominator = Denominator(width);
        for (int r = 0; r < input.Rows; r++)
        {
            var x = input.Row(r);
            var y = output.Row(r);
            if (frames < width)
            {
                y.Fill(Slope(x, 0, frames, Denominator(frames)));
                continue;
            }

            int half = width / 2, t = half;
            if (Vector256.IsHardwareAccelerated)
            {
                t = SlopesByVector(x, y, width, fullDenominator);
            }

            for (; t < frames - half; t++)
            {
                y[t] = Slope(x, t - half, width, fullDenominator);
            }

            y[..half].Fill(y[half]);
            y[(frames - half)..].Fill(y[frames - half - 1]);
        }

        return output;
    }

    /// <summary>
    /// <see cref="Slope"/> for eight frames at a time, one frame per double lane: each lane sums its window in the
    /// same order with the same double operations, so the values are identical. Returns the first frame left to do.
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    private static int SlopesByVector(ReadOnlySpan<float> x, Span<float> y, int width, double den)
    {
        int half = width / 2, last = x.Length - half, t = half;
        double centre = (width - 1) / 2.0;
        ref float x0 = ref MemoryMarshal.GetReference(x);
        ref float y0 = ref MemoryMarshal.GetReference(y);
        var denominator = Vector256.Create(den);
        for (; t <= last - Vector256<float>.Count; t += Vector256<float>.Count)
        {
            Vector256<double> lower = Vector256<double>.Zero, upper = Vector256<double>.Zero;
            for (int i = 0; i < width; i++)
            {
                var block = Vector256.LoadUnsafe(ref x0, (nuint)(t - half + i));
                var lo = Vector256.WidenLower(block);
                var hi = Vector256.WidenUpper(block);
                var k = Vector256.Create(i - centre);
                lower += k * lo;
                upper += k * hi;
            }

            Vector256.Narrow(lower / denominator, upper / denominator).StoreUnsafe(ref y0, (nuint)t);
        }

        return t;
    }

    [MethodImpl(Kernel.Compile)]
    private static float Slope(ReadOnlySpan<float> x, int start, int count, double den)
    {
        double centre = (count - 1) / 2.0, num = 0;
        for (int i = 0; i < count; i++)
        {
            num += (i - centre) * x[start + i];
        }

        return (float)(num / den);
    }

    /// <summary>Σ (i - centre)² over the window, summed in the same order as ever.</summary>
    private static double Denominator(int count)
    {
        double centre = (count - 1) / 2.0, den = 0;
        for (int i = 0; i < count; i++)
        {
            double k = i - centre;
            den += k * k;
        }

        return den;
    }
}
