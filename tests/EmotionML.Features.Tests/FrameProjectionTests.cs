namespace EmotionML.Features.Tests;

/// <summary>
/// The across-frames projections (MFCC's DCT, chroma's bank) and the sparse mel bank: each output is the in-order sum
/// of separate products, whatever path (32-frame blocks, 8-frame vectors, the scalar tail) computes its frame.
/// </summary>
public sealed class FrameProjectionTests
{
    [Theory]
    [InlineData(40, 128)]
    [InlineData(12, 257)]
    [InlineData(5, 33)]
    [InlineData(3, 1)]
    public void Every_frame_gets_the_in_order_sum_on_every_path(int rows, int inner)
    {
        var random = new Random(rows * 1000 + inner);
        var weights = Values(random, rows * inner);
        foreach (int frames in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 40, 48, 63, 64, 71, 360 })
        {
            var input = Values(random, inner * frames);
            var output = new float[rows * frames];
            FrameProjection.Project(weights, rows, inner, input, frames, output);
            for (int r = 0; r < rows; r++)
            {
                for (int t = 0; t < frames; t++)
                {
                    float expected = 0;
                    for (int i = 0; i < inner; i++)
                    {
                        expected += weights[r * inner + i] * input[i * frames + t];
                    }

                    Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(output[r * frames + t]),
                        $"rows {rows}, inner {inner}, frames {frames}: [{r}, {t}] = {output[r * frames + t]:R}, expected {expected:R}");
                }
            }
        }
    }

    [Fact]
    public void Short_spans_are_refused()
    {
        Assert.Throws<ArgumentException>(() => FrameProjection.Project(new float[6], 2, 3, new float[5], 2, new float[4]));
        Assert.Throws<ArgumentException>(() => FrameProjection.Project(new float[6], 2, 3, new float[6], 2, new float[3]));
    }

    [Fact]
    public void The_sparse_bank_equals_the_dense_bank_summed_in_order()
    {
        var random = new Random(5);
        int bins = 257;
        var dense = new float[20][];
        for (int r = 0; r < dense.Length; r++)
        {
            dense[r] = new float[bins];
            if (r % 7 == 3)
            {
                continue; // an empty filter gives zero
            }

            int first = random.Next(bins), length = 1 + random.Next(Math.Min(30, bins - first));
            for (int k = first; k < first + length; k++)
            {
                dense[r][k] = k == first + length / 2 && length > 2 ? 0f : (float)random.NextDouble(); // a zero inside the run
            }
        }

        var bank = new SparseFilterBank(dense);
        var spectrum = Values(random, bins);
        var output = new float[dense.Length];
        bank.Apply(spectrum, output);
        for (int r = 0; r < dense.Length; r++)
        {
            float expected = 0;
            int first = Array.FindIndex(dense[r], w => w != 0), last = Array.FindLastIndex(dense[r], w => w != 0);
            for (int k = Math.Max(first, 0); k <= last; k++)
            {
                expected += dense[r][k] * spectrum[k];
            }

            Assert.Equal(expected, output[r]);
        }
    }

    [Fact]
    public void The_mel_bank_across_frames_equals_it_frame_by_frame()
    {
        var options = new FeatureOptions();
        int bins = options.Stft.BinCount;
        var bank = new SparseFilterBank(NWaves.Filters.Fda.FilterBanks.MelBankSlaney(options.MelBandCount, options.Stft.FftSize, 16000, 0, 8000, true));
        var random = new Random(11);
        foreach (int frames in new[] { 1, 8, 31, 32, 45, 113 })
        {
            var spectrogram = Values(random, bins * frames); // bins × frames
            var across = new float[bank.Count * frames];
            bank.ApplyAcrossFrames(spectrogram, frames, across);
            var column = new float[bins];
            var output = new float[bank.Count];
            for (int t = 0; t < frames; t++)
            {
                for (int k = 0; k < bins; k++)
                {
                    column[k] = spectrogram[k * frames + t];
                }

                bank.Apply(column, output);
                for (int r = 0; r < bank.Count; r++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(output[r]) == BitConverter.SingleToInt32Bits(across[r * frames + t]), $"frames {frames}: band {r}, frame {t}");
                }
            }
        }

        Assert.Throws<ArgumentException>(() => bank.ApplyAcrossFrames(new float[bins * 2], 4, new float[bank.Count * 4]));
    }

    [Theory]
    [InlineData(1025)]
    [InlineData(257)]
    [InlineData(5)]
    public void Blocks_of_frames_land_in_their_columns(int bins)
    {
        var random = new Random(bins);
        foreach (int frames in new[] { 1, 7, 8, 9, 16, 113 })
        {
            var rows = Values(random, frames * bins); // frame after frame
            var matrix = new float[bins * frames];
            for (int first = 0; first < frames; first += ColumnTranspose.Block)
            {
                int count = Math.Min(ColumnTranspose.Block, frames - first);
                ColumnTranspose.Store(rows.AsSpan(first * bins, count * bins), count, bins, matrix, frames, first);
            }

            for (int t = 0; t < frames; t++)
            {
                for (int k = 0; k < bins; k++)
                {
                    Assert.Equal(rows[t * bins + k], matrix[k * frames + t]);
                }
            }
        }

        Assert.Throws<ArgumentException>(() => ColumnTranspose.Store(new float[9 * bins], 9, bins, new float[bins * 9], 9, 0));
        Assert.Throws<ArgumentException>(() => ColumnTranspose.Store(new float[8 * bins], 8, bins, new float[bins * 10], 10, 3));
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1) * (i % 5 == 0 ? 1e3f : 1f);
        }

        return values;
    }
}
