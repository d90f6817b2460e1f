using System.Numerics.Tensors;

namespace EmotionML.Audio.Tests;

/// <summary>
/// Our precompilable span operations (<see cref="SpanMath"/>) give <c>TensorPrimitives</c>'s results bit for bit, at
/// lengths around a vector's width (vector loop and scalar tail), with signed zeros, subnormals, infinities and NaN.
/// </summary>
public sealed class SpanMathTests
{
    private static readonly int[] Lengths = [1, 2, 7, 8, 9, 15, 16, 17, 31, 64, 65, 1025];

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
