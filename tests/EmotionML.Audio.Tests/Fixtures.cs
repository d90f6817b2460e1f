namespace EmotionML.Audio.Tests;

internal static class Fixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));

    /// <summary>The lag (in samples) of <paramref name="b"/> against <paramref name="a"/> that maximises their normalised correlation.</summary>
    public static (int Lag, double Correlation) Align(float[] a, float[] b, int maxLag)
    {
        (int, double) best = (0, double.NegativeInfinity);
        for (int lag = -maxLag; lag <= maxLag; lag++)
        {
            double ab = 0, aa = 0, bb = 0;
            for (int i = 0; i < a.Length; i++)
            {
                int j = i + lag;
                if (j < 0 || j >= b.Length)
                {
                    continue;
                }

                ab += a[i] * b[j];
                aa += a[i] * a[i];
                bb += b[j] * b[j];
            }

            double c = ab / Math.Sqrt(aa * bb + 1e-30);
            if (c > best.Item2)
            {
                best = (lag, c);
            }
        }

        return best;
    }
}
