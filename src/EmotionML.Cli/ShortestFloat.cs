using System.Runtime.CompilerServices;

namespace EmotionML.Cli;

/// <summary>
/// A float32 as the shortest decimal that reads back as the same float, in the text .NET's <c>float.ToString("R")</c>
/// and <c>Utf8JsonWriter.WriteNumberValue(float)</c> give, byte for byte (a value whose first digit is 10^-4 to 10^8 is
/// written out, others as <c>d.dddE+XX</c>). The digits come from Ryu (Ulf Adams, "Ryū: fast float-to-string
/// conversion", PLDI 2018: its float32 algorithm and tables of powers of five): integer arithmetic only, several times
/// faster than the runtime's Grisu/Dragon4 path, which took about 5 % of a <c>features</c> run writing 469 values per
/// clip. Tested against the runtime's text on millions of values and every edge of the format.
/// </summary>
internal static class ShortestFloat
{
    /// <summary>Enough bytes for any float: "-1.2345678E-45".</summary>
    public const int MaxLength = 16;

    private const int MantissaBits = 23;
    private const int Bias = 127;
    private const int Pow5InverseBitCount = 59;
    private const int Pow5BitCount = 61;

    // floor(2^(pow5bits(i) - 1 + 59) / 5^i) + 1, for i = 0..30.
    private static ReadOnlySpan<ulong> Pow5InverseSplit =>
    [
        576460752303423489UL, 461168601842738791UL, 368934881474191033UL, 295147905179352826UL,
        472236648286964522UL, 377789318629571618UL, 302231454903657294UL, 483570327845851670UL,
        386856262276681336UL, 309485009821345069UL, 495176015714152110UL, 396140812571321688UL,
        316912650057057351UL, 507060240091291761UL, 405648192073033409UL, 324518553658426727UL,
        519229685853482763UL, 415383748682786211UL, 332306998946228969UL, 531691198313966350UL,
        425352958651173080UL, 340282366920938464UL, 544451787073501542UL, 435561429658801234UL,
        348449143727040987UL, 557518629963265579UL, 446014903970612463UL, 356811923176489971UL,
        570899077082383953UL, 456719261665907162UL, 365375409332725730UL,
    ];

    // 5^i scaled to 61 bits: floor(5^i * 2^(61 - pow5bits(i))), for i = 0..46.
    private static ReadOnlySpan<ulong> Pow5Split =>
    [
        1152921504606846976UL, 1441151880758558720UL, 1801439850948198400UL, 2251799813685248000UL,
        1407374883553280000UL, 1759218604441600000UL, 2199023255552000000UL, 1374389534720000000UL,
        1717986918400000000UL, 2147483648000000000UL, 1342177280000000000UL, 1677721600000000000UL,
        2097152000000000000UL, 1310720000000000000UL, 1638400000000000000UL, 2048000000000000000UL,
        1280000000000000000UL, 1600000000000000000UL, 2000000000000000000UL, 1250000000000000000UL,
        1562500000000000000UL, 1953125000000000000UL, 1220703125000000000UL, 1525878906250000000UL,
        1907348632812500000UL, 1192092895507812500UL, 1490116119384765625UL, 1862645149230957031UL,
        1164153218269348144UL, 1455191522836685180UL, 1818989403545856475UL, 2273736754432320594UL,
        1421085471520200371UL, 1776356839400250464UL, 2220446049250313080UL, 1387778780781445675UL,
        1734723475976807094UL, 2168404344971008868UL, 1355252715606880542UL, 1694065894508600678UL,
        2117582368135750847UL, 1323488980084844279UL, 1654361225106055349UL, 2067951531382569187UL,
        1292469707114105741UL, 1615587133892632177UL, 2019483917365790221UL,
    ];

    /// <summary>Writes a finite <paramref name="value"/> as UTF-8 into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes); returns the length.</summary>
    public static int Format(float value, Span<byte> destination)
    {
        if (!float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Only finite values have a decimal form.");
        }

        uint bits = BitConverter.SingleToUInt32Bits(value);
        int at = 0;
        if ((bits >> 31) != 0)
        {
            destination[at++] = (byte)'-';
        }

        uint mantissa = bits & ((1u << MantissaBits) - 1);
        int exponent = (int)((bits >> MantissaBits) & 0xFF);
        if (exponent == 0 && mantissa == 0)
        {
            destination[at++] = (byte)'0';
            return at;
        }

        (uint digits, int e10) = ShortestDigits(mantissa, exponent);
        return at + Layout(digits, e10, destination[at..]);
    }

    /// <summary>The text of digits × 10^e10: written out when the first digit is 10^-4 to 10^8, scientific otherwise.</summary>
    private static int Layout(uint digits, int e10, Span<byte> destination)
    {
        int n = DecimalLength(digits);
        int point = e10 + n - 1; // the power of ten of the first digit
        if (point is >= -4 and < 9)
        {
            if (point < 0)
            {
                // 0.000ddd
                int zeros = -point - 1;
                destination[0] = (byte)'0';
                destination[1] = (byte)'.';
                destination.Slice(2, zeros).Fill((byte)'0');
                WriteDigits(digits, destination.Slice(2 + zeros, n));
                return 2 + zeros + n;
            }

            if (point >= n - 1)
            {
                // ddd000
                WriteDigits(digits, destination[..n]);
                destination.Slice(n, point - n + 1).Fill((byte)'0');
                return point + 1;
            }

            // dd.ddd: the digits after the point first, then those before it.
            uint before = digits;
            for (int i = n - 1; i > point; i--)
            {
                destination[i + 1] = (byte)('0' + before % 10);
                before /= 10;
            }

            destination[point + 1] = (byte)'.';
            WriteDigits(before, destination[..(point + 1)]);
            return n + 1;
        }

        // d.dddE+XX
        int at = n > 1 ? n + 1 : 1;
        uint rest = digits;
        for (int i = n - 1; i >= 1; i--)
        {
            destination[i + 1] = (byte)('0' + rest % 10);
            rest /= 10;
        }

        destination[0] = (byte)('0' + rest);
        if (n > 1)
        {
            destination[1] = (byte)'.';
        }

        destination[at++] = (byte)'E';
        destination[at++] = point < 0 ? (byte)'-' : (byte)'+';
        int power = Math.Abs(point);
        destination[at++] = (byte)('0' + power / 10);
        destination[at++] = (byte)('0' + power % 10);
        return at;
    }

    /// <summary>The decimal digits of <paramref name="value"/>, right-aligned in <paramref name="destination"/> (exactly its length).</summary>
    private static void WriteDigits(uint value, Span<byte> destination)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }

    private static int DecimalLength(uint v) =>
        v >= 100000000 ? 9 : v >= 10000000 ? 8 : v >= 1000000 ? 7 : v >= 100000 ? 6 : v >= 10000 ? 5 : v >= 1000 ? 4 : v >= 100 ? 3 : v >= 10 ? 2 : 1;

    /// <summary>Ryu's f2d: the shortest digits that read back as the float (the closest such; ties to even) and their power of ten.</summary>
    private static (uint Digits, int Exponent) ShortestDigits(uint ieeeMantissa, int ieeeExponent)
    {
        int e2;
        uint m2;
        if (ieeeExponent == 0)
        {
            e2 = 1 - Bias - MantissaBits - 2;
            m2 = ieeeMantissa;
        }
        else
        {
            e2 = ieeeExponent - Bias - MantissaBits - 2;
            m2 = (1u << MantissaBits) | ieeeMantissa;
        }

        bool acceptBounds = (m2 & 1) == 0;
        uint mv = 4 * m2;
        uint mp = 4 * m2 + 2;
        uint mmShift = ieeeMantissa != 0 || ieeeExponent <= 1 ? 1u : 0u;
        uint mm = 4 * m2 - 1 - mmShift;

        uint vr, vp, vm;
        int e10;
        bool vmIsTrailingZeros = false, vrIsTrailingZeros = false;
        uint lastRemovedDigit = 0;
        if (e2 >= 0)
        {
            int q = Log10Pow2(e2);
            e10 = q;
            int k = Pow5InverseBitCount + Pow5Bits(q) - 1;
            int i = -e2 + q + k;
            vr = MulShift(mv, Pow5InverseSplit[q], i);
            vp = MulShift(mp, Pow5InverseSplit[q], i);
            vm = MulShift(mm, Pow5InverseSplit[q], i);
            if (q != 0 && (vp - 1) / 10 <= vm / 10)
            {
                int l = Pow5InverseBitCount + Pow5Bits(q - 1) - 1;
                lastRemovedDigit = MulShift(mv, Pow5InverseSplit[q - 1], -e2 + q - 1 + l) % 10;
            }

            if (q <= 9)
            {
                if (mv % 5 == 0)
                {
                    vrIsTrailingZeros = MultipleOfPowerOf5(mv, q);
                }
                else if (acceptBounds)
                {
                    vmIsTrailingZeros = MultipleOfPowerOf5(mm, q);
                }
                else
                {
                    vp -= MultipleOfPowerOf5(mp, q) ? 1u : 0u;
                }
            }
        }
        else
        {
            int q = Log10Pow5(-e2);
            e10 = q + e2;
            int i = -e2 - q;
            int k = Pow5Bits(i) - Pow5BitCount;
            int j = q - k;
            vr = MulShift(mv, Pow5Split[i], j);
            vp = MulShift(mp, Pow5Split[i], j);
            vm = MulShift(mm, Pow5Split[i], j);
            if (q != 0 && (vp - 1) / 10 <= vm / 10)
            {
                j = q - 1 - (Pow5Bits(i + 1) - Pow5BitCount);
                lastRemovedDigit = MulShift(mv, Pow5Split[i + 1], j) % 10;
            }

            if (q <= 1)
            {
                vrIsTrailingZeros = true;
                if (acceptBounds)
                {
                    vmIsTrailingZeros = mmShift == 1;
                }
                else
                {
                    vp--;
                }
            }
            else if (q < 31)
            {
                vrIsTrailingZeros = (mv & ((1u << (q - 1)) - 1)) == 0;
            }
        }

        int removed = 0;
        uint output;
        if (vmIsTrailingZeros || vrIsTrailingZeros)
        {
            while (vp / 10 > vm / 10)
            {
                vmIsTrailingZeros &= vm % 10 == 0;
                vrIsTrailingZeros &= lastRemovedDigit == 0;
                lastRemovedDigit = vr % 10;
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }

            if (vmIsTrailingZeros)
            {
                while (vm % 10 == 0)
                {
                    vrIsTrailingZeros &= lastRemovedDigit == 0;
                    lastRemovedDigit = vr % 10;
                    vr /= 10;
                    vp /= 10;
                    vm /= 10;
                    removed++;
                }
            }

            if (vrIsTrailingZeros && lastRemovedDigit == 5 && vr % 2 == 0)
            {
                lastRemovedDigit = 4; // exactly halfway: round to even
            }

            output = vr + ((vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5 ? 1u : 0u);
        }
        else
        {
            while (vp / 10 > vm / 10)
            {
                lastRemovedDigit = vr % 10;
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }

            output = vr + (vr == vm || lastRemovedDigit >= 5 ? 1u : 0u);
        }

        return (output, e10 + removed);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Pow5Bits(int e) => (int)(((uint)e * 1217359) >> 19) + 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Log10Pow2(int e) => (int)(((uint)e * 78913) >> 18);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Log10Pow5(int e) => (int)(((uint)e * 732923) >> 20);

    private static bool MultipleOfPowerOf5(uint value, int p)
    {
        int count = 0;
        while (value != 0 && value % 5 == 0)
        {
            value /= 5;
            count++;
        }

        return count >= p;
    }

    /// <summary>(m × factor) >> shift for a 64-bit factor and shift above 32, in two 32 × 32-bit products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint MulShift(uint m, ulong factor, int shift)
    {
        ulong low = (ulong)m * (uint)factor;
        ulong high = (ulong)m * (uint)(factor >> 32);
        ulong sum = (low >> 32) + high;
        return (uint)(sum >> (shift - 32));
    }
}
