using System.Numerics.Tensors;

namespace EmotionML.Audio.Tests;

/// <summary>
/// Our precompilable span operations (<see cref="SpanMath"/>) give <c>TensorPrimitives</c>'s results bit for bit, at
/// lengths around a vector's width (vector loop and scalar tail), with signed zeros, subnormals, infinities and NaN.
/// </summary>
public sealed class SpanMathTests
{
    private static readonly int[] Lengths = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 95, 1025, 2048];

    public static TheoryData<string> Contents => new() { "audio", "zeros and signs", "special" };

    [Theory]
    [MemberData(nameof(Contents))]
    public void Element_wise_operations_equal_TensorPrimitives_bit_for_bit(string content)
    {
        var random = new Random(content.Length);
        foreach (int n in Lengths)
        {
            var x = Values(content, n, random);
            var y = Values(content, n, random);
            float scalar = x[n / 2];
            AssertSame(d => TensorPrimitives.Max(x, scalar, d), d => SpanMath.Max(x, scalar, d), n);
            AssertSame(d => TensorPrimitives.Max(x, 1e-10f, d), d => SpanMath.Max(x, 1e-10f, d), n);
            AssertSame(d => TensorPrimitives.Multiply(x, 10f, d), d => SpanMath.Multiply(x, 10f, d), n);
            AssertSame(d => TensorPrimitives.Multiply(x, y, d), d => SpanMath.Multiply(x, y, d), n);
            AssertSame(d => TensorPrimitives.Subtract(x, scalar, d), d => SpanMath.Subtract(x, scalar, d), n);
            AssertSame(d => TensorPrimitives.Subtract(x, y, d), d => SpanMath.Subtract(x, y, d), n);
        }
    }

    [Theory]
    [MemberData(nameof(Contents))]
    public void Reductions_and_the_finiteness_check_equal_TensorPrimitives(string content)
    {
        var random = new Random(content.Length + 1);
        foreach (int n in Lengths)
        {
            var x = Values(content, n, random);
            Assert.Equal(BitConverter.SingleToInt32Bits(TensorPrimitives.Max<float>(x)), BitConverter.SingleToInt32Bits(SpanMath.Max(x)));
            Assert.Equal(BitConverter.SingleToInt32Bits(TensorPrimitives.Min<float>(x)), BitConverter.SingleToInt32Bits(SpanMath.Min(x)));
            Assert.Equal(TensorPrimitives.IsFiniteAll<float>(x), SpanMath.IsFiniteAll(x));
            var (min, max) = SpanMath.MinMax(x);
            Assert.Equal(BitConverter.SingleToInt32Bits(TensorPrimitives.Min<float>(x)), BitConverter.SingleToInt32Bits(min));
            Assert.Equal(BitConverter.SingleToInt32Bits(TensorPrimitives.Max<float>(x)), BitConverter.SingleToInt32Bits(max));

            // One non-finite value anywhere, including the scalar tail, is found.
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                var copy = (float[])x.Clone();
                copy[random.Next(n)] = bad;
                Assert.False(SpanMath.IsFiniteAll(copy));
            }
        }

        Assert.Throws<ArgumentException>(() => SpanMath.Max([]));
    }

    [Fact]
    public void Operations_work_in_place_and_refuse_mismatched_lengths()
    {
        var x = new float[] { 1, -2, 3, -4, 5, -6, 7, -8, 9, -10 };
        var y = (float[])x.Clone();
        SpanMath.Subtract(y, x, y);
        Assert.All(y, v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentException>(() => SpanMath.Subtract(x, new float[3], new float[x.Length]));
        Assert.Throws<ArgumentException>(() => SpanMath.Multiply(x, 2f, new float[3]));
        Assert.Throws<ArgumentException>(() => SpanMath.Multiply(x, ReadOnlySpan<float>.Empty, new float[x.Length]));
    }

    [Theory]
    [MemberData(nameof(Contents))]
    public void Log10_equals_TensorPrimitives_bit_for_bit_in_place_too(string content)
    {
        var random = new Random(content.Length + 7);
        foreach (int n in Lengths)
        {
            var x = Values(content, n, random);
            if (content == "audio")
            {
                // Powers, as the features take their logarithms of: positive, over many decades.
                x = x.Select(v => v * v * (float)Math.Pow(10, random.Next(-12, 8))).ToArray();
            }

            AssertSame(d => TensorPrimitives.Log10(x, d), d => SpanMath.Log10(x, d), n);
            AssertSame(d => TensorPrimitives.Log10(x, d), d => { x.CopyTo(d, 0); SpanMath.Log10(d, d); }, n);
        }
    }

    [Theory]
    [MemberData(nameof(Contents))]
    public void Log10_of_doubles_equals_TensorPrimitives_bit_for_bit_in_place_too(string content)
    {
        // The log-mel spectrogram's decibels: powers widened to double, clamped at 1e-10 (plus, here, the special
        // values and signed zeros the float test uses, widened), over lengths 1 to 256 as its blocks take them.
        var random = new Random(content.Length + 13);
        foreach (int n in Lengths.Where(n => n <= 256).Concat([127, 128, 129, 255, 256]))
        {
            var x = Values(content, n, random).Select(v => content == "audio" ? Math.Max((double)v * v * Math.Pow(10, random.Next(-12, 8)), 1e-10) : v).ToArray();
            var expected = new double[n];
            TensorPrimitives.Log10(x, expected);
            var actual = new double[n];
            SpanMath.Log10(x, actual);
            var inPlace = (double[])x.Clone();
            SpanMath.Log10(inPlace, inPlace);
            for (int i = 0; i < n; i++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]), $"element {i} of {n}: {expected[i]} vs {actual[i]}");
                Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(inPlace[i]), $"in place, element {i} of {n}");
            }
        }

        Assert.Throws<ArgumentException>(() => SpanMath.Log10(new double[3], new double[2]));
    }

    [Theory]
    [InlineData("audio")]
    [InlineData("zeros and signs")]
    public void Sums_and_dot_products_add_in_the_documented_order(string content)
    {
        var random = new Random(content.Length + 11);
        foreach (int n in Lengths.Append(0))
        {
            var x = Values(content, n, random);
            var y = Values(content, n, random);
            Assert.Equal(Bits(InOrder(x, x.Select(v => v).ToArray(), (a, _) => a)), Bits(SpanMath.Sum(x)));
            Assert.Equal(Bits(InOrder(x, y, (a, b) => a * b)), Bits(SpanMath.Dot(x, y)));
            Assert.Equal(Bits(InOrder(x, x, (a, b) => a * b)), Bits(SpanMath.SumOfSquares(x)));

            // The spectral second moment: the three element-wise passes it replaces, then the dot product.
            float centre = n == 0 ? 0.25f : x[n / 2];
            var deviations = new float[n];
            SpanMath.Subtract(x, centre, deviations);
            SpanMath.Multiply(deviations, deviations, deviations);
            Assert.Equal(Bits(SpanMath.Dot(deviations, y)), Bits(SpanMath.WeightedSquaredDeviations(x, centre, y)));

            // And they are sums: close to the exact ones.
            double exact = x.Zip(y, (a, b) => (double)(a * b)).Sum(), scale = x.Zip(y, (a, b) => Math.Abs((double)(a * b))).Sum();
            Assert.InRange(SpanMath.Dot(x, y), exact - 1e-5 * scale - 1e-40, exact + 1e-5 * scale + 1e-40);
        }

        Assert.Throws<ArgumentException>(() => SpanMath.Dot(new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => SpanMath.WeightedSquaredDeviations(new float[3], 0, new float[4]));

        // 32 running sums over whole blocks of 32, combined (0-7 + 8-15) + (16-23 + 24-31) lane by lane, the lanes as
        // ((0+4) + (2+6)) + ((1+5) + (3+7)), then the rest one by one: written out one value at a time.
        static float InOrder(float[] x, float[] y, Func<float, float, float> term)
        {
            int whole = x.Length - x.Length % 32, i = 0;
            float total = 0;
            if (whole > 0)
            {
                var lanes = new float[32];
                for (; i < whole; i++)
                {
                    lanes[i % 32] += term(x[i], y[i]);
                }

                var e = new float[8];
                for (int l = 0; l < 8; l++)
                {
                    e[l] = (lanes[l] + lanes[8 + l]) + (lanes[16 + l] + lanes[24 + l]);
                }

                total = ((e[0] + e[4]) + (e[2] + e[6])) + ((e[1] + e[5]) + (e[3] + e[7]));
            }

            for (; i < x.Length; i++)
            {
                total += term(x[i], y[i]);
            }

            return total;
        }

        static int Bits(float v) => BitConverter.SingleToInt32Bits(v);
    }

    private static void AssertSame(Action<float[]> expected, Action<float[]> actual, int n)
    {
        var a = new float[n];
        var b = new float[n];
        expected(a);
        actual(b);
        for (int i = 0; i < n; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(a[i]) == BitConverter.SingleToInt32Bits(b[i]), $"element {i} of {n}: {a[i]} vs {b[i]}");
        }
    }

    private static float[] Values(string content, int n, Random random)
    {
        float[] special = [0f, -0f, float.Epsilon, -float.Epsilon, 1e-39f, float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1e-10f];
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = content switch
            {
                "audio" => (float)(random.NextDouble() - 0.5),
                "zeros and signs" => random.Next(3) switch { 0 => 0f, 1 => -0f, _ => (float)(random.NextDouble() - 0.5) * 1e-30f },
                _ => special[random.Next(special.Length)],
            };
        }

        return x;
    }
}
