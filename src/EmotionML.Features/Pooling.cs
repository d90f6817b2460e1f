namespace EmotionML.Features;

/// <summary>Pools frame-level features into one vector in <see cref="FeatureSchema"/> column order.</summary>
internal static class Pooling
{
    public static float[] Pool(FrameFeatures features, FeatureOptions options, int columns)
    {
        var values = new float[columns];
        int i = 0;
        foreach (var block in FeatureBlock.For(options))
        {
            var matrix = block.Select(features) ?? throw new InvalidOperationException($"Feature '{block.Prefix}' was not computed.");
            bool voicedOnly = block.Kind == FeatureKinds.Pitch;
            var stats = new RowStatistics[block.Rows];
            for (int r = 0; r < block.Rows; r++)
            {
                stats[r] = voicedOnly ? RowStatistics.Of(matrix.Row(r), features.Voiced!.Row(0)) : RowStatistics.Of(matrix.Row(r), default);
            }

            foreach (var (stat, _) in FeatureSchema.StatisticSuffixes)
            {
                if ((options.Statistics & stat) == 0)
                {
                    continue;
                }

                for (int r = 0; r < block.Rows; r++)
                {
                    values[i++] = stats[r].Get(stat);
                }
            }
        }

        var voiced = features.Voiced!.Row(0);
        float count = 0;
        foreach (float v in voiced)
        {
            count += v;
        }

        values[i] = voiced.Length == 0 ? 0 : count / voiced.Length;
        return values;
    }

    /// <summary>Moments of one row, in double precision (optionally over the frames a mask marks).</summary>
    private readonly record struct RowStatistics(double Mean, double Std, double Min, double Max, double Skew, double Kurt)
    {
        public static RowStatistics Of(ReadOnlySpan<float> row, ReadOnlySpan<float> mask)
        {
            if (!mask.IsEmpty)
            {
                // Only the frames the mask marks, gathered in order: the same sums as skipping the others.
                var kept = new float[row.Length];
                int count = 0;
                for (int t = 0; t < row.Length; t++)
                {
                    if (mask[t] != 0)
                    {
                        kept[count++] = row[t];
                    }
                }

                return Of(kept.AsSpan(0, count), default);
            }

            if (row.IsEmpty)
            {
                return default;
            }

            double n = row.Length, sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
            foreach (float v in row)
            {
                sum += v;
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }

            double mean = sum / n, m2 = 0, m3 = 0, m4 = 0;
            foreach (float v in row)
            {
                double d = v - mean, d2 = d * d;
                m2 += d2;
                m3 += d2 * d;
                m4 += d2 * d2;
            }

            m2 /= n;
            m3 /= n;
            m4 /= n;
            bool flat = m2 <= 1e-24 * Math.Max(1, mean * mean);
            double skew = flat ? 0 : m3 / Math.Pow(m2, 1.5);
            double kurt = flat ? 0 : m4 / (m2 * m2) - 3;
            return new RowStatistics(mean, Math.Sqrt(m2), min, max, skew, kurt);
        }

        public float Get(PoolingStatistics stat) => (float)(stat switch
        {
            PoolingStatistics.Mean => Mean,
            PoolingStatistics.StandardDeviation => Std,
            PoolingStatistics.Min => Min,
            PoolingStatistics.Max => Max,
            PoolingStatistics.Skewness => Skew,
            PoolingStatistics.Kurtosis => Kurt,
            _ => throw new ArgumentOutOfRangeException(nameof(stat)),
        });
    }
}
