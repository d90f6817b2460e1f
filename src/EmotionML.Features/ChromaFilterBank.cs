using EmotionML.Audio;
using System.Runtime.CompilerServices;

namespace EmotionML.Features;

/// <summary>
/// librosa's <c>filters.chroma</c> (as NWaves' <c>FilterBanks.Chroma</c> ports it, with L2 norm): a Gaussian bump per
/// pitch class around every FFT bin's position on the chroma circle, normalised per bin, weighted by a Gaussian over
/// octaves. Ours because a bank is built for every tuning estimate a clip gives (up to 100 of them), and NWaves'
/// version takes five transcendental calls per weight (two <c>Math.Pow(x, 2)</c>, two <c>Math.Exp</c>, and the
/// octave weight, which depends only on the bin, recomputed for each of the 12 rows): this one takes one
/// <c>Math.Exp</c> per weight and one octave weight per bin, about 4× faster, and the distance on the circle without
/// a library call for the remainder (a quarter less again; all 100 tuning estimates occur in a 720-clip run). The
/// arithmetic is otherwise NWaves' step for step, in the same precision (float where it is float); a test checks that every weight equals NWaves'
/// bit for bit over a sweep of tunings.
/// </summary>
internal static class ChromaFilterBank
{
    /// <summary>The bank: <paramref name="chromaCount"/> rows of fftSize / 2 + 1 weights, starting at C.</summary>
    [MethodImpl(Kernel.Compile)]
    public static float[][] Create(int fftSize, int sampleRate, int chromaCount, double tuning, double centerOctave, double octaveWidth)
    {
        float step = (float)sampleRate / fftSize;
        int bins = fftSize / 2 + 1;

        // Each bin's position in chroma bins: chromaCount · log2(16 f / a440), with a440 shifted by the tuning.
        double a440 = 440.0 * Math.Pow(2.0, tuning / chromaCount);
        var position = new float[bins];
        for (int j = 1; j < bins; j++)
        {
            float f = j * step;
            position[j] = chromaCount * (float)Math.Log(16 * (double)f / a440, 2);
        }

        position[0] = position[1] - chromaCount * 1.5f;
        var width = new float[bins];
        for (int j = 1; j < bins; j++)
        {
            width[j - 1] = Math.Max(position[j] - position[j - 1], 1);
        }

        width[bins - 1] = 1.0f;

        var bank = new float[chromaCount][];
        for (int i = 0; i < chromaCount; i++)
        {
            bank[i] = new float[bins];
        }

        double half = Math.Round((double)chromaCount / 2, MidpointRounding.AwayFromZero);
        for (int j = 0; j < bins; j++)
        {
            // exp(-(2 d / width)^2 / 2) with d the distance to each pitch class on the circle.
            float norm = 0.0f;
            for (int i = 0; i < chromaCount; i++)
            {
                float shifted = position[j] - i;
                double d = Remainder(shifted + half + 10 * chromaCount, chromaCount) - half;
                double z = 2 * d / width[j];
                float w = (float)Math.Exp(-0.5 * (z * z));
                bank[i][j] = w;
                norm += (float)((double)w * w);
            }

            norm = (float)(1.0 / Math.Pow(norm, 1.0 / 2));
            double o = (position[j] / chromaCount - centerOctave) / octaveWidth;
            float octave = (float)Math.Exp(-0.5 * (o * o));
            for (int i = 0; i < chromaCount; i++)
            {
                bank[i][j] = bank[i][j] * norm * octave;
            }
        }

        // Rows start at A; roll them to start at C (three pitch classes up).
        var rolled = new float[chromaCount][];
        for (int i = 0; i < chromaCount; i++)
        {
            rolled[i] = bank[(i + 3) % chromaCount];
        }

        return rolled;
    }

    /// <summary>
    /// x mod m with the sign of x, as <c>%</c> (C's fmod) gives it, without its library call (one per weight): the
    /// remainder is exact in both, since x − m·q is representable for these magnitudes, and a quotient off by one (x / m
    /// rounded to the next integer) is put right by one exact step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Remainder(double x, int m)
    {
        if (x < 0)
        {
            return -Remainder(-x, m);
        }

        double r = x - m * Math.Floor(x / m);
        return r < 0 ? r + m : r >= m ? r - m : r;
    }
}
