namespace EmotionML.Features.Tests;

/// <summary>Our STFT FFT against NWaves' reference implementation and against a direct DFT.</summary>
public sealed class RealFftTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(512)]
    [InlineData(2048)]
    [InlineData(4096)]
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

    [Fact]
    public void Windowed_transform_equals_a_direct_dft()
    {
        const int n = 64;
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

            Assert.Equal(sr, re[k], 10);
            Assert.Equal(si, im[k], 10);
        }
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
