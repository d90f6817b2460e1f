using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EmotionML.Cli.Tests;

/// <summary>
/// <see cref="ShortestFloat"/> writes exactly the runtime's text for a float (<c>ToString("R")</c>, which
/// <c>Utf8JsonWriter</c> also writes): over the whole range of bit patterns, and at every edge of the format and of
/// the algorithm (zeros, subnormals, the largest values, powers of two and ten, the switch to scientific notation).
/// </summary>
public sealed class ShortestFloatTests
{
    [Fact]
    public void Every_ten_thousandth_bit_pattern_gets_the_runtimes_text()
    {
        // A prime stride visits every exponent and scattered mantissas, both signs (about 430,000 values).
        int checkedCount = 0;
        for (long bits = 0; bits <= uint.MaxValue; bits += 9973)
        {
            float value = BitConverter.UInt32BitsToSingle((uint)bits);
            if (float.IsFinite(value))
            {
                AssertSameText(value);
                checkedCount++;
            }
        }

        Assert.True(checkedCount > 400_000);
    }

    [Fact]
    public void Edges_of_the_format_and_of_the_algorithm_get_the_runtimes_text()
    {
        var values = new List<float>
        {
            0f, -0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1.17549435e-38f, 1.1754942e-38f,
            1f, 0.1f, 0.3f, 2f / 3, 16777216f, 16777217f, 123456789f, 3.4028235e38f, 1e-45f, 7e-45f,
        };
        for (int p = -45; p <= 38; p++)
        {
            values.Add(float.Parse($"1e{p}", CultureInfo.InvariantCulture));
            values.Add(float.Parse($"9.999999e{p}", CultureInfo.InvariantCulture));
            values.Add(float.Parse($"5e{p}", CultureInfo.InvariantCulture));
        }

        for (int e = -149; e <= 127; e++)
        {
            values.Add(MathF.ScaleB(1f, e));
        }

        foreach (float v in values.ToArray())
        {
            // Each value, its neighbours and their negatives.
            foreach (float w in new[] { v, MathF.BitIncrement(v), MathF.BitDecrement(v) })
            {
                if (float.IsFinite(w))
                {
                    AssertSameText(w);
                    AssertSameText(-w);
                }
            }
        }
    }

    [Fact]
    public void Json_written_with_it_equals_the_json_writers_own()
    {
        var random = new Random(5);
        Span<byte> number = stackalloc byte[ShortestFloat.MaxLength];
        for (int i = 0; i < 20_000; i++)
        {
            float value = (float)((random.NextDouble() - 0.3) * Math.Pow(10, random.Next(-12, 12)));
            using var own = new MemoryStream();
            using (var w = new Utf8JsonWriter(own))
            {
                w.WriteNumberValue(value);
            }

            Assert.Equal(Encoding.ASCII.GetString(own.ToArray()), Encoding.ASCII.GetString(number[..ShortestFloat.Format(value, number)]));
        }
    }

    [Fact]
    public void Non_finite_values_are_refused()
    {
        var buffer = new byte[ShortestFloat.MaxLength];
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => ShortestFloat.Format(bad, buffer));
        }
    }

    private static void AssertSameText(float value)
    {
        Span<byte> ours = stackalloc byte[ShortestFloat.MaxLength];
        int length = ShortestFloat.Format(value, ours);
        string expected = value.ToString("R", CultureInfo.InvariantCulture);
        string actual = Encoding.ASCII.GetString(ours[..length]);
        Assert.True(expected == actual, $"0x{BitConverter.SingleToUInt32Bits(value):X8}: runtime {expected}, ours {actual}");
    }
}
