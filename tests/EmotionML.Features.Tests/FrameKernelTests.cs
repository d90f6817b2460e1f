namespace EmotionML.Features.Tests;

/// <summary>
/// The vectorised frame and pooling kernels (zero-crossing rate, delta, pooled statistics) against plain
/// one-value-at-a-time versions of their definitions, at lengths below, at and above a vector's width and with
/// remainders, so both the vector loops and their scalar tails are exercised.
/// </summary>
public sealed class FrameKernelTests
{
    [Theory]
    [InlineData(2048, 512)]
    [InlineData(512, 160)]
    [InlineData(256, 256)]
    [InlineData(1024, 100)]
    public void Zero_crossing_rate_counts_what_a_frame_by_frame_scan_counts(int fftSize, int hop)
    {
        var extractor = new SpeechFeatureExtractor(new FeatureOptions { Stft = new StftOptions { FftSize = fftSize, HopLength = hop } });
        var random = new Random(fftSize + hop);
        foreach (int length in new[] { 1, 2, 7, 9, 100, fftSize - 1, fftSize, fftSize + 3, 5000, 57_601 })
        {
            var signal = new float[length];
            for (int i = 0; i < length; i++)
            {
                // Mostly audio-like values, with exact zeros and values within 1e-10 of zero, which count as positive.
                signal[i] = random.Next(10) switch
                {
                    0 => 0f,
                    1 => (float)(random.NextDouble() - 0.5) * 2e-10f,
                    _ => (float)(random.NextDouble() - 0.5),
                };
            }

            var zcr = extractor.ExtractFrames(signal, 16000, FeatureKinds.ZeroCrossingRate).ZeroCrossingRate!;
            Assert.Equal(FrameByFrame(signal, zcr.Frames, fftSize, hop), zcr.Row(0).ToArray());
        }
    }

    [Theory]
    [InlineData(9)]
    [InlineData(5)]
    [InlineData(3)]
    public void Delta_equals_the_one_frame_at_a_time_slope_exactly(int width)
    {
        var random = new Random(width);
        foreach (int frames in new[] { 1, 2, width - 1, width, width + 1, width + 7, width + 8, width + 9, 114, 1000 })
        {
            var m = new FeatureMatrix(3, frames);
            for (int i = 0; i < m.Data.Length; i++)
            {
                m.Data[i] = (float)((random.NextDouble() - 0.5) * 1000);
            }

            var delta = DeltaFilter.Apply(m, width);
            if (frames < width)
            {
                continue; // the short-clip rule has its own test
            }

            int half = width / 2;
            for (int r = 0; r < m.Rows; r++)
            {
                for (int t = half; t < frames - half; t++)
                {
                    Assert.Equal(Slope(m.Row(r).ToArray(), t - half, width), delta[r, t]);
                }
            }
        }
    }

    [Fact]
    public void Pooled_statistics_equal_plain_double_sums()
    {
        var options = new FeatureOptions { Statistics = PoolingStatistics.All };
        var schema = FeatureSchema.For(options);
        var random = new Random(7);
        foreach (int frames in new[] { 1, 2, 7, 8, 9, 15, 16, 17, 114, 333 })
        {
            var features = new FrameFeatures(frames, 16000, frames * 512);
            FeatureMatrix Random(int rows, double scale, double offset)
            {
                var m = new FeatureMatrix(rows, frames);
                for (int i = 0; i < m.Data.Length; i++)
                {
                    m.Data[i] = (float)(offset + scale * (random.NextDouble() - 0.5));
                }

                return m;
            }

            features.Mfcc = Random(options.MfccCount, 200, -300);
            features.DeltaMfcc = Random(options.MfccCount, 5, 0);
            features.Chroma = Random(options.Chroma.BinCount, 1, 0.5);
            features.Contrast = Random(options.Contrast.BandCount + 1, 30, 20);
            features.Mel = Random(options.MelBandCount, 1e-3, 5e-4);
            features.Mel.Data.AsSpan(0, frames).Fill(0.25f); // a constant row: skew and kurtosis 0
            features.ZeroCrossingRate = Random(1, 0.1, 0.05);
            features.Rolloff = Random(1, 4000, 3000);
            features.Centroid = Random(1, 2000, 1500);
            features.Rms = Random(1, 0.1, 0.05);
            features.Bandwidth = Random(1, 1000, 1500);
            features.Flatness = Random(1, 0.01, 0.005);
            features.F0 = Random(1, 200, 200);
            features.Voiced = new FeatureMatrix(1, frames);
            for (int t = 0; t < frames; t++)
            {
                features.Voiced[0, t] = t % 3 == 0 ? 0 : 1;
            }

            var pooled = new FeatureVector(schema, Pooling.Pool(features, options, schema.Columns.Count));
            foreach (var block in FeatureBlock.For(options))
            {
                var matrix = block.Select(features)!;
                for (int r = 0; r < block.Rows; r++)
                {
                    var row = matrix.Row(r).ToArray();
                    if (block.Kind == FeatureKinds.Pitch)
                    {
                        row = row.Where((_, t) => features.Voiced[0, t] != 0).ToArray();
                    }

                    var expected = Moments(row);
                    Assert.Equal(expected.Min, pooled[block.ColumnName(r, "min")]);
                    Assert.Equal(expected.Max, pooled[block.ColumnName(r, "max")]);
                    AssertClose(expected.Mean, pooled[block.ColumnName(r, "mean")]);
                    AssertClose(expected.Std, pooled[block.ColumnName(r, "std")]);
                    AssertClose(expected.Skew, pooled[block.ColumnName(r, "skew")]);
                    AssertClose(expected.Kurt, pooled[block.ColumnName(r, "kurt")]);
                }
            }
        }

        // The sums are grouped differently from one running sum: the same float unless a value lies next to a
        // rounding boundary, so allow one unit in the last place of the float.
        static void AssertClose(float expected, float actual) =>
            Assert.True(expected == actual || Math.Abs(expected - actual) <= 1.5 * Math.Max(float.Epsilon, Math.Abs(MathF.BitIncrement(Math.Abs(expected)) - Math.Abs(expected))),
                $"expected {expected:R}, got {actual:R}");
    }

    private static float[] FrameByFrame(float[] signal, int frames, int frameLength, int hop)
    {
        // librosa: pad with the edge values, frame centred on t * hop, count sign changes between neighbours.
        var result = new float[frames];
        for (int t = 0; t < frames; t++)
        {
            int count = 0;
            for (int j = 1; j < frameLength; j++)
            {
                count += Negative(At(t * hop - frameLength / 2 + j)) != Negative(At(t * hop - frameLength / 2 + j - 1)) ? 1 : 0;
            }

            result[t] = (float)count / frameLength;
        }

        return result;

        float At(int i) => signal[Math.Clamp(i, 0, signal.Length - 1)];
        static bool Negative(float v) => v < -1e-10f;
    }

    private static float Slope(float[] x, int start, int count)
    {
        double centre = (count - 1) / 2.0, num = 0, den = 0;
        for (int i = 0; i < count; i++)
        {
            num += (i - centre) * x[start + i];
            den += (i - centre) * (i - centre);
        }

        return (float)(num / den);
    }

    private static (float Mean, float Std, float Min, float Max, float Skew, float Kurt) Moments(float[] row)
    {
        if (row.Length == 0)
        {
            return default;
        }

        double n = row.Length, mean = row.Sum(v => (double)v) / n;
        double m2 = row.Sum(v => Math.Pow(v - mean, 2)) / n, m3 = row.Sum(v => Math.Pow(v - mean, 3)) / n, m4 = row.Sum(v => Math.Pow(v - mean, 4)) / n;
        bool flat = m2 <= 1e-24 * Math.Max(1, mean * mean);
        return ((float)mean, (float)Math.Sqrt(m2), row.Min(), row.Max(), flat ? 0 : (float)(m3 / Math.Pow(m2, 1.5)), flat ? 0 : (float)(m4 / (m2 * m2) - 3));
    }
}
