namespace EmotionML.Features.Tests;

/// <summary>
/// The vectorised per-frame kernels against plain one-value-at-a-time versions of librosa's definitions, on spectra
/// shaped like speech (falling with frequency), rising, flat, with ties and random, at FFT sizes whose bands are
/// shorter and longer than a vector. (NaN cannot reach them: the extractor refuses non-finite samples.)
/// </summary>
public sealed class SpectralKernelTests
{
    public static TheoryData<string> Shapes => new() { "speech", "rising", "flat", "ties", "random" };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Spectral_contrast_peaks_and_valleys_equal_a_sort_of_each_band(string shape)
    {
        var options = new SpectralContrastOptions();
        foreach (var (sampleRate, fftSize) in new[] { (16000, 2048), (16000, 512), (22050, 2048), (16000, 256), (16000, 4096) })
        {
            var bands = new SpectralContrastBands(options, sampleRate, fftSize);
            var random = new Random(fftSize + sampleRate);
            for (int frame = 0; frame < 20; frame++)
            {
                var magnitude = Spectrum(shape, fftSize / 2 + 1, random);
                var peak = new float[bands.Rows];
                var valley = new float[bands.Rows];
                bands.Compute(magnitude, peak, valley);
                var (expectedPeak, expectedValley) = ByFullSort(magnitude, options, sampleRate, fftSize);
                Assert.Equal(expectedPeak, peak);
                Assert.Equal(expectedValley, valley);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_tuning_estimate_equals_a_bin_by_bin_peak_search(string shape)
    {
        foreach (var (sampleRate, fftSize) in new[] { (16000, 2048), (22050, 2048), (16000, 512) })
        {
            var random = new Random(fftSize * 3 + sampleRate);
            var estimator = new TuningEstimator();
            var reference = new ReferenceTuning();
            for (int frame = 0; frame < 30; frame++)
            {
                var s = Spectrum(shape, fftSize / 2 + 1, random);
                estimator.AddFrame(s, s.Max(), sampleRate, fftSize);
                reference.AddFrame(s, sampleRate, fftSize);
            }

            Assert.Equal(reference.Peaks, estimator.PeakCount);
            // Every peak's interpolated frequency and magnitude, bit for bit (eight bins at a time against one by one).
            var (pitches, magnitudes) = estimator.Peaks;
            var (referencePitches, referenceMagnitudes) = reference.Values;
            Assert.Equal(referencePitches.ToArray().Select(BitConverter.SingleToInt32Bits), pitches.ToArray().Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(referenceMagnitudes.ToArray().Select(BitConverter.SingleToInt32Bits), magnitudes.ToArray().Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(reference.Estimate(12), estimator.Estimate(12));
        }
    }

    private static float[] Spectrum(string shape, int bins, Random random)
    {
        var s = new float[bins];
        for (int k = 0; k < bins; k++)
        {
            double harmonic = 1 + Math.Cos(k * 0.37 + random.NextDouble());
            s[k] = shape switch
            {
                "speech" => (float)(harmonic * Math.Exp(-k / 150.0) + 1e-4 * random.NextDouble()),
                "rising" => (float)(harmonic * (k + 1) / bins),
                "flat" => 0.5f,
                "ties" => random.Next(4) * 0.25f,
                _ => (float)random.NextDouble(),
            };
        }

        return s;
    }

    /// <summary>librosa's spectral_contrast band by band: sort, mean of the take smallest and of the take largest.</summary>
    private static (float[] Peak, float[] Valley) ByFullSort(float[] magnitude, SpectralContrastOptions options, int sampleRate, int fftSize)
    {
        int bands = options.BandCount + 1;
        var peak = new float[bands];
        var valley = new float[bands];
        for (int k = 0; k < bands; k++)
        {
            double low = k == 0 ? 0 : options.MinFrequency * Math.Pow(2, k - 1), high = options.MinFrequency * Math.Pow(2, k);
            var selected = Enumerable.Range(0, magnitude.Length).Where(b => b * (double)sampleRate / fftSize >= low && b * (double)sampleRate / fftSize <= high).ToList();
            int first = selected[0] - (k > 0 ? 1 : 0), last = k == bands - 1 ? magnitude.Length - 1 : selected[^1];
            int count = last - first + 1;
            int take = Math.Max(1, (int)Math.Round(options.Quantile * count, MidpointRounding.ToEven));
            var band = magnitude.Skip(first).Take(k < bands - 1 ? count - 1 : count).ToArray();
            take = Math.Min(take, band.Length);
            var ascending = band.OrderBy(v => v).ToArray();
            float lowSum = 0, highSum = 0;
            for (int i = 0; i < take; i++)
            {
                lowSum += ascending[i];
                highSum += ascending[^(i + 1)];
            }

            valley[k] = take == 1 ? ascending[0] : lowSum / take;
            peak[k] = take == 1 ? ascending[^1] : highSum / take;
        }

        return (peak, valley);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_rolloff_bin_equals_the_float_cumulative_sum_definition(string shape)
    {
        var random = new Random(shape.Length * 31);
        foreach (int bins in new[] { 1, 5, 16, 17, 129, 257, 1025, 2049 })
        {
            for (int frame = 0; frame < 40; frame++)
            {
                var magnitude = Spectrum(shape, bins, random);
                float total = magnitude.Sum();
                foreach (double percent in new[] { 0.85, 0.99, 0.01, 0.5, 1.0, 0.0 })
                {
                    float threshold = (float)(percent * total);
                    Assert.Equal(ByFloatCumulativeSum(magnitude, threshold), FrameAnalyzer.RolloffBin(magnitude, threshold));

                    // Thresholds exactly at, and one float step either side of, the float sum at a chosen bin: the cases
                    // the double-precision search must hand over to the float sum.
                    int at = random.Next(bins);
                    float cumulative = 0;
                    for (int k = 0; k <= at; k++)
                    {
                        cumulative += magnitude[k];
                    }

                    foreach (float tie in new[] { cumulative, MathF.BitIncrement(cumulative), MathF.BitDecrement(cumulative) })
                    {
                        Assert.Equal(ByFloatCumulativeSum(magnitude, tie), FrameAnalyzer.RolloffBin(magnitude, tie));
                    }
                }
            }
        }

        static int ByFloatCumulativeSum(float[] magnitude, float threshold)
        {
            float cumulative = 0;
            for (int k = 0; k < magnitude.Length; k++)
            {
                cumulative += magnitude[k];
                if (cumulative >= threshold)
                {
                    return k;
                }
            }

            return magnitude.Length - 1;
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Spectral_flatness_equals_a_logarithm_per_bin(string shape)
    {
        var random = new Random(shape.Length * 17);
        foreach (int bins in new[] { 1, 17, 127, 128, 129, 257, 1025, 2049 })
        {
            for (int frame = 0; frame < 20; frame++)
            {
                // Power spectra over the range a clip's can span, zeros (raised to amin) included.
                var power = Spectrum(shape, bins, random).Select(v => v * v * (float)Math.Pow(10, random.Next(-12, 7))).ToArray();
                double logSum = 0, sum = 0;
                foreach (float p in power)
                {
                    double v = Math.Max(1e-10f, p);
                    logSum += Math.Log(v);
                    sum += v;
                }

                double expected = Math.Exp(logSum / bins) / (sum / bins);
                Assert.Equal(expected, FrameAnalyzer.Flatness(power), expected * 1e-6);
            }
        }
    }

    /// <summary>piptrack's local maxima above 0.1 × the frame maximum between 150 and 4000 Hz, one bin at a time.</summary>
    private sealed class ReferenceTuning
    {
        private readonly TuningEstimator _inner = new();

        public int Peaks => _inner.PeakCount;

        public (ReadOnlyMemory<float> Pitches, ReadOnlyMemory<float> Magnitudes) Values => _inner.Peaks;

        public void AddFrame(float[] s, int sampleRate, int fftSize)
        {
            float reference = 0.1f * System.Numerics.Tensors.TensorPrimitives.Max(s);
            for (int k = 1; k <= s.Length - 2; k++)
            {
                double f = k * (double)sampleRate / fftSize;
                if (f < 150 || f >= Math.Min(4000, sampleRate / 2.0))
                {
                    continue;
                }

                float x = s[k] > reference ? s[k] : 0f, xl = s[k - 1] > reference ? s[k - 1] : 0f, xr = s[k + 1] > reference ? s[k + 1] : 0f;
                if (x > xl && x >= xr)
                {
                    _inner.AddPeak(s, k, (float)sampleRate / fftSize);
                }
            }
        }

        public double Estimate(int binsPerOctave) => _inner.Estimate(binsPerOctave);
    }
}

public sealed class MedianTests
{
    [Fact]
    public void The_median_by_selection_equals_the_median_of_a_sorted_copy()
    {
        var random = new Random(7);
        foreach (int n in new[] { 1, 2, 3, 4, 5, 10, 31, 64, 255, 256, 257, 1000, 4097, 6000 })
        {
            foreach (string shape in new[] { "random", "sorted", "reversed", "ties", "constant", "organ", "signed", "spread" })
            {
                var values = Enumerable.Range(0, n).Select(i => shape switch
                {
                    "sorted" => i * 0.5f,
                    "reversed" => (n - i) * 0.5f,
                    "ties" => random.Next(3),
                    "constant" => 1f,
                    "organ" => Math.Min(i, n - i),
                    "signed" => (float)(random.NextDouble() - 0.5) * random.Next(3),
                    "spread" => (float)Math.Pow(10, random.NextDouble() * 12 - 6),
                    _ => (float)random.NextDouble(),
                }).ToArray();
                var sorted = values.OrderBy(v => v).ToArray();
                float expected = n % 2 == 1 ? sorted[n / 2] : (float)((sorted[n / 2 - 1] + (double)sorted[n / 2]) / 2);
                Assert.Equal(expected, TuningEstimator.Median(values));
            }
        }
    }
}
