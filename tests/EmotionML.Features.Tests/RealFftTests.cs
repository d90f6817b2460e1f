namespace EmotionML.Features.Tests;

/// <summary>Our STFT FFT against NWaves' reference implementation and against a direct DFT.</summary>
public sealed class RealFftTests
{
    /// <summary>Sizes whose wide stages pair up evenly (32, 512, 2048) and leave one over (16, 64, 1024, 4096).</summary>
    public static TheoryData<int> Sizes => new() { 16, 32, 64, 512, 1024, 2048, 4096 };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Matches_nwaves_real_fft_to_double_precision(int n)
    {
        var random = new Random(n);
        var input = new float[n];
        for (int i = 0; i < n; i++)
        {
            input[i] = (float)(random.NextDouble() * 2 - 1);
        }

        var ours = new RealFft64(n);
        var re = new double[n / 2 + 1];
        var im = new double[n / 2 + 1];
        ours.Forward(input, ReadOnlySpan<double>.Empty, re, im);

        var reference = new NWaves.Transforms.RealFft64(n);
        var refRe = new double[n];
        var refIm = new double[n];
        reference.Direct(Array.ConvertAll(input, v => (double)v), refRe, refIm);

        double scale = Math.Sqrt(n);
        for (int k = 0; k <= n / 2; k++)
        {
            Assert.True(Math.Abs(re[k] - refRe[k]) < 1e-12 * scale && Math.Abs(im[k] - refIm[k]) < 1e-12 * scale, $"bin {k}: ({re[k]}, {im[k]}) vs ({refRe[k]}, {refIm[k]})");
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Windowed_transform_equals_a_direct_dft(int n)
    {
        var input = new float[n];
        var window = new double[n];
        for (int i = 0; i < n; i++)
        {
            input[i] = (float)Math.Sin(0.3 * i) + (i % 5) * 0.1f;
            window[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / n);
        }

        var re = new double[n / 2 + 1];
        var im = new double[n / 2 + 1];
        new RealFft64(n).Forward(input, window, re, im);
        for (int k = 0; k <= n / 2; k++)
        {
            double sr = 0, si = 0;
            for (int t = 0; t < n; t++)
            {
                double x = input[t] * window[t];
                sr += x * Math.Cos(2 * Math.PI * k * t / n);
                si -= x * Math.Sin(2 * Math.PI * k * t / n);
            }

            Assert.True(Math.Abs(sr - re[k]) < 1e-11 * n && Math.Abs(si - im[k]) < 1e-11 * n, $"n {n}, bin {k}: ({re[k]}, {im[k]}) vs ({sr}, {si})");
        }
    }
}

public sealed class RealFftVectorPathTests
{
    /// <summary>
    /// The windowing and first stages four groups at a time give the one-group-at-a-time result bit for bit, windowed
    /// and not, at sizes whose group count is and is not a multiple of four (the scalar remainder).
    /// </summary>
    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(512)]
    [InlineData(2048)]
    public void Vectorised_first_stages_equal_the_scalar_ones_bit_for_bit(int n)
    {
        var random = new Random(n);
        var input = new float[n];
        var window = new double[n];
        for (int i = 0; i < n; i++)
        {
            input[i] = (float)(random.NextDouble() * 2 - 1);
            window[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / n);
        }

        foreach (var w in new[] { window, null })
        {
            var vector = Transform(new RealFft64(n), input, w);
            var scalar = Transform(new RealFft64(n) { VectorizedFirstStages = false }, input, w);
            Assert.Equal(scalar.Select(BitConverter.DoubleToInt64Bits), vector.Select(BitConverter.DoubleToInt64Bits));
        }
    }

    /// <summary>
    /// The wide stages eight butterflies at a time (Vector512, where the machine accelerates it) give the four-at-a-time
    /// result bit for bit, forward and inverse, and so do the scalar radix-2 passes (1,024 and 4,096 points have a stage
    /// left over after the pairs, which runs on vectors too); on a machine without AVX-512 the first two runs take the
    /// same path.
    /// </summary>
    [Theory]
    [InlineData(64)]
    [InlineData(512)]
    [InlineData(1024)]
    [InlineData(2048)]
    [InlineData(4096)]
    public void Wide_stages_are_the_same_at_every_vector_width_and_in_scalar_code(int n)
    {
        var random = new Random(n + 13);
        var input = new float[n];
        var window = new double[n];
        for (int i = 0; i < n; i++)
        {
            input[i] = (float)(random.NextDouble() * 2 - 1);
            window[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / n);
        }

        var wide = Transform(new RealFft64(n), input, window);
        var narrow = Transform(new RealFft64(n) { Vector512Stages = false }, input, window);
        Assert.Equal(narrow.Select(BitConverter.DoubleToInt64Bits), wide.Select(BitConverter.DoubleToInt64Bits));
        var scalar = Transform(new RealFft64(n) { VectorStages = false }, input, window);
        Assert.Equal(scalar.Select(BitConverter.DoubleToInt64Bits), wide.Select(BitConverter.DoubleToInt64Bits));

        var re = new double[n / 2 + 1];
        var im = new double[n / 2 + 1];
        for (int k = 0; k < re.Length; k++)
        {
            re[k] = random.NextDouble() * 2 - 1;
            im[k] = random.NextDouble() * 2 - 1;
        }

        var wideInverse = new double[n];
        var narrowInverse = new double[n];
        new RealFft64(n).Inverse(re, im, wideInverse);
        new RealFft64(n) { Vector512Stages = false }.Inverse(re, im, narrowInverse);
        Assert.Equal(narrowInverse.Select(BitConverter.DoubleToInt64Bits), wideInverse.Select(BitConverter.DoubleToInt64Bits));
        var scalarInverse = new double[n];
        new RealFft64(n) { VectorStages = false }.Inverse(re, im, scalarInverse);
        Assert.Equal(scalarInverse.Select(BitConverter.DoubleToInt64Bits), wideInverse.Select(BitConverter.DoubleToInt64Bits));
    }

    /// <summary>
    /// The STFT's fused path (bins straight into float32 power and magnitude) equals the double-precision bins rounded
    /// to float32 and squared, bit for bit, at every vector width, and returns the largest power.
    /// </summary>
    [Theory]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(512)]
    [InlineData(2048)]
    public void Power_and_magnitude_equal_the_bins_rounded_to_float(int n)
    {
        var random = new Random(n + 29);
        var input = new float[n];
        var window = new double[n];
        for (int i = 0; i < n; i++)
        {
            input[i] = (float)(random.NextDouble() * 2 - 1) * (i % 7 == 0 ? 1e-6f : 1f);
            window[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / n);
        }

        var re = new double[n / 2 + 1];
        var im = new double[n / 2 + 1];
        new RealFft64(n).Forward(input, window, re, im);
        var expectedPower = new float[re.Length];
        var expectedMagnitude = new float[re.Length];
        for (int k = 0; k < re.Length; k++)
        {
            float r = (float)re[k], i = (float)im[k];
            expectedPower[k] = r * r + i * i;
            expectedMagnitude[k] = MathF.Sqrt(expectedPower[k]);
        }

        foreach (bool wide in new[] { true, false })
        {
            var power = new float[re.Length];
            var magnitude = new float[re.Length];
            float max = new RealFft64(n) { Vector512Stages = wide }.ForwardPower(input, window, power, magnitude);
            Assert.Equal(expectedPower.Select(BitConverter.SingleToInt32Bits), power.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(expectedMagnitude.Select(BitConverter.SingleToInt32Bits), magnitude.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(expectedPower.Max(), max);
        }
    }

    /// <summary>The inverse's fused first stages against its scalar path, bit for bit (signed zeros included).</summary>
    [Theory]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(512)]
    [InlineData(2048)]
    public void Vectorised_inverse_equals_the_scalar_one_bit_for_bit(int n)
    {
        var random = new Random(n + 7);
        var re = new double[n / 2 + 1];
        var im = new double[n / 2 + 1];
        for (int k = 0; k < re.Length; k++)
        {
            // Spectra with exact zeros, as a silent stretch or a zero-padded head gives.
            re[k] = random.Next(4) == 0 ? 0.0 : random.NextDouble() * 2 - 1;
            im[k] = random.Next(4) == 0 ? 0.0 : random.NextDouble() * 2 - 1;
        }

        var vector = new double[n];
        var scalar = new double[n];
        new RealFft64(n).Inverse(re, im, vector);
        new RealFft64(n) { VectorizedFirstStages = false }.Inverse(re, im, scalar);
        Assert.Equal(scalar.Select(BitConverter.DoubleToInt64Bits), vector.Select(BitConverter.DoubleToInt64Bits));

        Array.Clear(re);
        Array.Clear(im);
        new RealFft64(n).Inverse(re, im, vector);
        new RealFft64(n) { VectorizedFirstStages = false }.Inverse(re, im, scalar);
        Assert.Equal(scalar.Select(BitConverter.DoubleToInt64Bits), vector.Select(BitConverter.DoubleToInt64Bits));
    }

    private static double[] Transform(RealFft64 fft, float[] input, double[]? window)
    {
        int bins = fft.Size / 2 + 1;
        var re = new double[bins];
        var im = new double[bins];
        fft.Forward(input, window ?? ReadOnlySpan<double>.Empty, re, im);
        return [.. re, .. im];
    }
}

public sealed class RealFftInverseTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(512)]
    [InlineData(2048)]
    public void Inverse_undoes_forward_up_to_the_size_factor(int n)
    {
        var random = new Random(n + 1);
        var input = new float[n];
        for (int i = 0; i < n; i++)
        {
            input[i] = (float)(random.NextDouble() * 2 - 1);
        }

        var fft = new RealFft64(n);
        var re = new double[n / 2 + 1];
        var im = new double[n / 2 + 1];
        fft.Forward(input, ReadOnlySpan<double>.Empty, re, im);
        var back = new double[n];
        fft.Inverse(re, im, back);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(input[i], back[i] / n, 9);
        }
    }
}

public sealed class ChromaFilterBankTests
{
    [Theory]
    [InlineData(2048, 16000, 1)]
    [InlineData(2048, 22050, 1)]
    [InlineData(512, 16000, 1)]
    [InlineData(1024, 44100, 1)]
    [InlineData(4096, 48000, 1)]
    [InlineData(262144, 8000, 49)] // bins of 0.03 Hz: positions so far below the circle that the remainder's argument is negative
    public void Every_weight_equals_nwaves_chroma_bank_over_the_tunings_the_estimator_gives(int fftSize, int sampleRate, int tuningStep)
    {
        // The tuning estimate is the left edge of one of 100 histogram bins: -0.50, -0.49, ..., 0.49.
        for (int t = 0; t < 100; t += tuningStep)
        {
            double tuning = -0.5 + t * 0.01;
            var ours = ChromaFilterBank.Create(fftSize, sampleRate, 12, tuning, 5.0, 2.0);
            var reference = NWaves.Filters.Fda.FilterBanks.Chroma(fftSize, sampleRate, 12, tuning, 5.0, 2.0, 2, true);
            Assert.Equal(reference.Length, ours.Length);
            for (int i = 0; i < reference.Length; i++)
            {
                Assert.True(reference[i].AsSpan().SequenceEqual(ours[i]), $"tuning {tuning}, row {i} differs");
            }
        }
    }
}
