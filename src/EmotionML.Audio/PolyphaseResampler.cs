namespace EmotionML.Audio;

/// <summary>
/// Band-limited rational resampling by a windowed-sinc polyphase FIR filter (the scheme of scipy's
/// <c>resample_poly</c>). Our own rather than NWaves' resampler because this one reproduces scipy (and therefore
/// librosa's polyphase loading) to float precision, where NWaves' differs by about 2e-3, and because its
/// <see cref="ResamplerQuality.High"/> filter rejects aliases by more than 80 dB. Instances are immutable and
/// thread-safe.
/// </summary>
public sealed class PolyphaseResampler
{
    private const int MaxFactor = 4096;

    private readonly double[][] _phases; // _phases[p][k] = h[p + k * Up]
    private readonly float[][]? _phases32; // the same in float32, for ResamplerQuality.Librosa
    private readonly float[][] _reversed;  // each phase reversed (float32), so that a dot product with a contiguous input run applies it
    private readonly int _halfLength;

    private PolyphaseResampler(int inputRate, int outputRate, ResamplerQuality quality)
    {
        InputRate = inputRate;
        OutputRate = outputRate;
        Quality = quality;
        (Up, Down) = Ratio(inputRate, outputRate);
        int max = Math.Max(Up, Down);
        (int zeroCrossings, double beta, double cutoffFraction) = quality == ResamplerQuality.Librosa ? (10, 5.0, 1.0) : (32, 9.0, 0.95);
        _halfLength = zeroCrossings * max;
        var h = LowPass(2 * _halfLength + 1, cutoffFraction / max, beta);
        for (int i = 0; i < h.Length; i++)
        {
            // scipy casts the taps to the input's dtype (float32) before scaling them by up.
            h[i] = quality == ResamplerQuality.Librosa ? (float)h[i] * (float)Up : h[i] * Up;
        }

        _phases = new double[Up][];
        for (int p = 0; p < Up; p++)
        {
            int count = (h.Length - p + Up - 1) / Up;
            var phase = new double[Math.Max(0, count)];
            for (int k = 0; k < phase.Length; k++)
            {
                phase[k] = h[p + k * Up];
            }

            _phases[p] = phase;
        }

        if (quality == ResamplerQuality.Librosa)
        {
            _phases32 = Array.ConvertAll(_phases, phase => Array.ConvertAll(phase, v => (float)v));
        }

        _reversed = Array.ConvertAll(_phases, phase =>
        {
            var r = Array.ConvertAll(phase, v => (float)v);
            Array.Reverse(r);
            return r;
        });
    }

    /// <summary>The rate of the input samples.</summary>
    public int InputRate { get; }

    /// <summary>The rate of the output samples.</summary>
    public int OutputRate { get; }

    /// <summary>The filter in use.</summary>
    public ResamplerQuality Quality { get; }

    /// <summary>The interpolation factor of the reduced ratio.</summary>
    public int Up { get; }

    /// <summary>The decimation factor of the reduced ratio.</summary>
    public int Down { get; }

    /// <summary>Creates a resampler between two rates.</summary>
    /// <param name="inputRate">Rate of the input, Hz.</param>
    /// <param name="outputRate">Rate wanted, Hz.</param>
    /// <param name="quality">The filter.</param>
    public static PolyphaseResampler Create(int inputRate, int outputRate, ResamplerQuality quality = ResamplerQuality.High)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputRate, 1);
        return new PolyphaseResampler(inputRate, outputRate, quality);
    }

    /// <summary>
    /// Resamples a whole signal; the output has <c>ceil(n · OutputRate / InputRate)</c> samples, as librosa's
    /// <c>fix_length</c> gives.
    /// </summary>
    /// <param name="input">Samples at <see cref="InputRate"/>.</param>
    public float[] Resample(ReadOnlySpan<float> input)
    {
        if (Up == Down)
        {
            return input.ToArray();
        }

        long n = input.Length;
        var output = new float[OutputLength(n)];
        for (long m = 0; m < output.Length; m++)
        {
            output[m] = OutputAt(m, input, 0, n);
        }

        return output;
    }

    /// <summary>Opens a reader that resamples <paramref name="source"/> as it is read (see <see cref="ResamplingAudioReader"/>).</summary>
    /// <param name="source">The reader at <see cref="InputRate"/>; disposed with the new reader.</param>
    public AudioReader Resample(AudioReader source) => new ResamplingAudioReader(source, this);

    /// <summary>Output samples for <paramref name="inputLength"/> input samples.</summary>
    internal long OutputLength(long inputLength) => Up == Down ? inputLength : (long)Math.Ceiling(inputLength * (double)OutputRate / InputRate);

    /// <summary>The input indices output <paramref name="m"/> reads: from <c>First</c> to <c>Last</c> (clamp to the signal).</summary>
    internal (long First, long Last) InputSpan(long m)
    {
        long t = _halfLength + m * Down;
        int p = (int)(t % Up);
        long j0 = t / Up;
        return (j0 - (_phases[p].Length - 1), j0);
    }

    /// <summary>
    /// Output sample <paramref name="m"/> of a signal of <paramref name="n"/> samples, of which <paramref name="x"/>
    /// holds those from index <paramref name="xStart"/> on: every index of <see cref="InputSpan"/> inside
    /// [0, n) must be in it. The one formula for the whole-clip and the streaming paths, so both give identical samples.
    /// </summary>
    internal float OutputAt(long m, ReadOnlySpan<float> x, long xStart, long n)
    {
        long t = _halfLength + m * Down;
        int p = (int)(t % Up);
        long j0 = t / Up;
        long kMin = Math.Max(0, j0 - (n - 1));
        long kMax = Math.Min(_phases[p].Length - 1, j0);
        if (_phases32 is not null)
        {
            // scipy's upfirdn on float32 input: float32 products summed in float32, oldest sample first.
            var taps = _phases32[p];
            float acc = 0;
            for (long k = kMax; k >= kMin; k--)
            {
                acc += x[(int)(j0 - k - xStart)] * taps[k];
            }

            return acc;
        }

        if (kMin == 0 && kMax == _phases[p].Length - 1)
        {
            // Interior output: every tap meets a sample; one SIMD dot product over x[j0-kMax .. j0], in SpanMath's fixed
            // order: the same samples on every machine and wherever the span sits in memory (TensorPrimitives' order
            // follows the vector width and the alignment, which differ between the whole-clip and streaming paths).
            return SpanMath.Dot(_reversed[p], x.Slice((int)(j0 - kMax - xStart), (int)kMax + 1));
        }

        var phase = _phases[p];
        double sum = 0;
        for (long k = kMin; k <= kMax; k++)
        {
            sum += phase[k] * x[(int)(j0 - k - xStart)];
        }

        return (float)sum;
    }

    /// <summary>scipy.signal.firwin(numtaps, cutoff, window=('kaiser', beta)): a unit-DC-gain windowed sinc.</summary>
    private static double[] LowPass(int taps, double cutoff, double beta)
    {
        var h = new double[taps];
        double centre = (taps - 1) / 2.0;
        double i0Beta = BesselI0(beta);
        double sum = 0;
        for (int i = 0; i < taps; i++)
        {
            double m = i - centre;
            double x = Math.PI * cutoff * m;
            double sinc = m == 0 ? 1.0 : Math.Sin(x) / x;
            double r = 2.0 * i / (taps - 1) - 1.0;
            double window = BesselI0(beta * Math.Sqrt(Math.Max(0, 1 - r * r))) / i0Beta;
            h[i] = cutoff * sinc * window;
            sum += h[i];
        }

        for (int i = 0; i < taps; i++)
        {
            h[i] /= sum;
        }

        return h;
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 500; k++)
        {
            term *= q / ((double)k * k);
            sum += term;
            if (term < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }

    /// <summary>The reduced ratio outputRate/inputRate, approximated (to better than 1e-6) when either factor exceeds 4096.</summary>
    private static (int Up, int Down) Ratio(int inputRate, int outputRate)
    {
        int g = Gcd(inputRate, outputRate);
        int up = outputRate / g, down = inputRate / g;
        if (up <= MaxFactor && down <= MaxFactor)
        {
            return (up, down);
        }

        // Best rational approximation with both terms <= MaxFactor (continued fractions).
        double target = (double)outputRate / inputRate;
        long h0 = 0, h1 = 1, k0 = 1, k1 = 0;
        double x = target;
        (int, int) best = (Math.Max(1, (int)Math.Round(target)), 1);
        for (int iter = 0; iter < 64; iter++)
        {
            long a = (long)Math.Floor(x);
            long h2 = a * h1 + h0, k2 = a * k1 + k0;
            if (h2 > MaxFactor || k2 > MaxFactor)
            {
                break;
            }

            best = ((int)h2, (int)k2);
            (h0, h1, k0, k1) = (h1, h2, k1, k2);
            double frac = x - a;
            if (frac < 1e-12)
            {
                break;
            }

            x = 1 / frac;
        }

        return best;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
