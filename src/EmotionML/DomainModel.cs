using EmotionML.Audio;
using System.Buffers.Binary;

namespace EmotionML;

/// <summary>
/// How far a clip's pooled features lie from the training data: the Mahalanobis distance of the standardised
/// feature vector under a Ledoit–Wolf shrunk covariance of the training clips, divided by √(columns) so that a
/// typical training clip scores about 1. Columns that are positive on every training clip (mel powers, RMS,
/// spectral shape...) are compared as logarithms: their linear values are so heavy-tailed that one loud band of an
/// ordinary clip would otherwise outweigh everything else. A clip is in domain when its distance is at most <see cref="Threshold"/>,
/// set on held-out speakers of the training corpus so that about <see cref="Coverage"/> of them pass.
/// <para>
/// It measures the features, not the emotion: it flags audio unlike the training recordings (synthetic voices,
/// noise, music, clicks, very different microphones or languages may or may not be caught), and it cannot say that
/// an in-domain prediction is right.
/// </para>
/// </summary>
public sealed class DomainModel
{
    private const int FormatVersion = 1;

    // zᵀ P z only needs P's diagonal and (P_ij + P_ji) for j > i: half the multiply-adds of the full product and half
    // the memory to stream per clip (the full 469 × 469 matrix is 880 KB, most of a core's L2 cache, evicting the
    // feature code's tables between predictions).
    private readonly float[] _diagonal;
    private readonly float[] _upper;

    private DomainModel(bool[] logColumns, float[] mean, float[] scale, float[] precision, double threshold, double coverage)
    {
        LogColumns = logColumns;
        Mean = mean;
        Scale = scale;
        Precision = precision;
        Threshold = threshold;
        Coverage = coverage;
        (_diagonal, _upper) = PackSymmetric(precision, mean.Length);
    }

    /// <summary>Distances above this are out of domain (NaN until set with <see cref="WithThreshold"/>).</summary>
    public double Threshold { get; }

    /// <summary>The share of held-out in-domain clips the threshold lets pass (e.g. 0.95).</summary>
    public double Coverage { get; }

    /// <summary>Number of feature columns.</summary>
    public int Columns => Mean.Length;

    internal bool[] LogColumns { get; }

    internal float[] Mean { get; }

    internal float[] Scale { get; }

    internal float[] Precision { get; }

    /// <summary>Fits the standardisation and the shrunk covariance on training clips (no threshold yet).</summary>
    /// <param name="features">Training feature vectors (at least two).</param>
    public static DomainModel Fit(IReadOnlyList<float[]> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Count < 2)
        {
            throw new ArgumentException("A domain model needs at least two clips.", nameof(features));
        }

        int p = features[0].Length, n = features.Count;
        var logColumns = Enumerable.Range(0, p).Select(c => features.All(f => f[c] > 0)).ToArray();
        features = features.Select(f => Transform(f, logColumns)).ToArray();
        var (mean, std) = SpeakerNormalization.Statistics(features);
        var scale = std.Select(s => s > 1e-12 ? (float)(1 / s) : 0f).ToArray();
        var z = features.Select(f => Standardise(f, mean, scale)).ToArray();
        var s = new double[p * p];
        foreach (var row in z)
        {
            for (int i = 0; i < p; i++)
            {
                double zi = row[i];
                if (zi == 0)
                {
                    continue;
                }

                int o = i * p;
                for (int j = 0; j <= i; j++)
                {
                    s[o + j] += zi * row[j];
                }
            }
        }

        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                s[i * p + j] /= n;
                s[j * p + i] = s[i * p + j];
            }
        }

        // Ledoit–Wolf: shrink S toward m·I with the intensity that minimises the expected Frobenius loss.
        double m = 0;
        for (int i = 0; i < p; i++)
        {
            m += s[i * p + i];
        }

        m /= p;
        double d2 = 0, sNorm2 = 0;
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < p; j++)
            {
                double v = s[i * p + j];
                sNorm2 += v * v;
                double e = v - (i == j ? m : 0);
                d2 += e * e;
            }
        }

        double b2 = 0;
        foreach (var row in z)
        {
            double norm2 = 0, quad = 0;
            for (int i = 0; i < p; i++)
            {
                norm2 += row[i] * row[i];
                double acc = 0;
                int o = i * p;
                for (int j = 0; j < p; j++)
                {
                    acc += s[o + j] * row[j];
                }

                quad += row[i] * acc;
            }

            b2 += norm2 * norm2 - 2 * quad + sNorm2;
        }

        b2 = Math.Min(b2 / ((double)n * n), d2);
        double lambda = d2 > 0 ? b2 / d2 : 1;
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < p; j++)
            {
                s[i * p + j] = (1 - lambda) * s[i * p + j] + (i == j ? lambda * Math.Max(m, 1e-12) : 0);
            }

            if (scale[i] == 0)
            {
                s[i * p + i] = 1; // a constant column: keep the matrix invertible; its z is always 0
            }
        }

        var precision = InvertSymmetricPositiveDefinite(s, p);
        return new DomainModel(logColumns, mean.Select(v => (float)v).ToArray(), scale, precision, double.NaN, double.NaN);
    }

    /// <summary>This model with a threshold.</summary>
    /// <param name="threshold">Distances above it are out of domain.</param>
    /// <param name="coverage">The share of held-out in-domain clips it lets pass.</param>
    public DomainModel WithThreshold(double threshold, double coverage) => new(LogColumns, Mean, Scale, Precision, threshold, coverage);

    /// <summary>The clip's distance from the training data (about 1 for typical training clips).</summary>
    /// <param name="features">The raw pooled feature vector (before any speaker normalisation).</param>
    public double Distance(ReadOnlySpan<float> features)
    {
        if (features.Length != Columns)
        {
            throw new ArgumentException($"The domain model expects {Columns} features; got {features.Length}.", nameof(features));
        }

        int p = Columns;
        Span<float> z = p <= 1024 ? stackalloc float[p] : new float[p];
        for (int i = 0; i < p; i++)
        {
            double x = LogColumns[i] ? Math.Log(Math.Max(features[i], 1e-30f)) : features[i];
            z[i] = (float)((x - Mean[i]) * Scale[i]);
        }

        // zᵀ P z = Σ_i z_i (P_ii z_i + Σ_{j>i} (P_ij + P_ji) z_j): one SIMD dot product per row of the upper triangle
        // (p²/2 multiply-adds: about 0.03 ms for 469 columns), in SpanMath's fixed order: the same distance on every
        // machine (TensorPrimitives' order follows the vector width and the span's alignment), and code an app's JIT
        // compiles optimised at once (TensorPrimitives' generic Dot ran unoptimised for hundreds of predictions).
        double q = 0;
        for (int i = 0, offset = 0; i < p; i++)
        {
            int length = p - 1 - i;
            double row = z[i] * (double)_diagonal[i] + SpanMath.Dot(_upper.AsSpan(offset, length), z[(i + 1)..]);
            q += z[i] * row;
            offset += length;
        }

        return double.IsFinite(q) ? Math.Sqrt(Math.Max(q, 0) / p) : double.PositiveInfinity;
    }

    /// <summary>Whether a distance is in domain.</summary>
    /// <param name="distance">A distance from <see cref="Distance"/>.</param>
    public bool IsInDomain(double distance) => distance <= Threshold;

    /// <summary>The bundle's binary form: version, columns, threshold, coverage, mean, scale, precision (little-endian).</summary>
    internal byte[] Serialize()
    {
        int p = Columns;
        var bytes = new byte[4 + 4 + 8 + 8 + 4 * (3 * p + p * p)];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], p);
        BinaryPrimitives.WriteDoubleLittleEndian(span[8..], Threshold);
        BinaryPrimitives.WriteDoubleLittleEndian(span[16..], Coverage);
        int offset = 24;
        foreach (var array in new[] { LogColumns.Select(l => l ? 1f : 0f).ToArray(), Mean, Scale, Precision })
        {
            foreach (float v in array)
            {
                BinaryPrimitives.WriteSingleLittleEndian(span[offset..], v);
                offset += 4;
            }
        }

        return bytes;
    }

    /// <summary>Reads the binary form.</summary>
    /// <exception cref="ModelBundleException">The bytes are not a domain model of <paramref name="columns"/> columns.</exception>
    internal static DomainModel Deserialize(byte[] bytes, int columns)
    {
        var span = bytes.AsSpan();
        if (bytes.Length < 24 || BinaryPrimitives.ReadInt32LittleEndian(span) != FormatVersion)
        {
            throw new ModelBundleException("The bundle's domain model has an unknown format.");
        }

        int p = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
        if (p != columns || bytes.Length != 24 + 4L * (3L * p + (long)p * p))
        {
            throw new ModelBundleException($"The bundle's domain model does not match its {columns} feature columns.");
        }

        double threshold = BinaryPrimitives.ReadDoubleLittleEndian(span[8..]);
        double coverage = BinaryPrimitives.ReadDoubleLittleEndian(span[16..]);
        int offset = 24;
        float[] Read(int count)
        {
            var a = new float[count];
            for (int i = 0; i < count; i++, offset += 4)
            {
                a[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(offset));
            }

            return a;
        }

        var logColumns = Read(p).Select(v => v != 0).ToArray();
        var mean = Read(p);
        var scale = Read(p);
        var precision = Read(p * p);
        return new DomainModel(logColumns, mean, scale, precision, threshold, coverage);
    }

    /// <summary>The diagonal and the upper triangle's rows of P + Pᵀ (j &gt; i), packed row after row.</summary>
    private static (float[] Diagonal, float[] Upper) PackSymmetric(float[] precision, int p)
    {
        var diagonal = new float[p];
        var upper = new float[p * (p - 1) / 2];
        for (int i = 0, offset = 0; i < p; i++)
        {
            diagonal[i] = precision[i * p + i];
            for (int j = i + 1; j < p; j++)
            {
                upper[offset++] = precision[i * p + j] + precision[j * p + i];
            }
        }

        return (diagonal, upper);
    }

    private static float[] Transform(float[] f, bool[] logColumns)
    {
        var t = new float[f.Length];
        for (int i = 0; i < f.Length; i++)
        {
            t[i] = logColumns[i] ? MathF.Log(Math.Max(f[i], 1e-30f)) : f[i];
        }

        return t;
    }

    private static float[] Standardise(float[] f, double[] mean, float[] scale)
    {
        var z = new float[f.Length];
        for (int i = 0; i < f.Length; i++)
        {
            z[i] = (float)((f[i] - mean[i]) * scale[i]);
        }

        return z;
    }

    /// <summary>Inverse of a symmetric positive-definite matrix by Cholesky decomposition (row-major, p × p).</summary>
    private static float[] InvertSymmetricPositiveDefinite(double[] a, int p)
    {
        var l = new double[p * p];
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i * p + j];
                for (int k = 0; k < j; k++)
                {
                    sum -= l[i * p + k] * l[j * p + k];
                }

                l[i * p + j] = i == j ? Math.Sqrt(Math.Max(sum, 1e-12)) : sum / l[j * p + j];
            }
        }

        // Inverse of L (lower triangular), then A⁻¹ = L⁻ᵀ L⁻¹.
        var inv = new double[p * p];
        for (int i = 0; i < p; i++)
        {
            inv[i * p + i] = 1 / l[i * p + i];
            for (int j = 0; j < i; j++)
            {
                double sum = 0;
                for (int k = j; k < i; k++)
                {
                    sum -= l[i * p + k] * inv[k * p + j];
                }

                inv[i * p + j] = sum / l[i * p + i];
            }
        }

        var result = new float[p * p];
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = 0;
                for (int k = i; k < p; k++)
                {
                    sum += inv[k * p + i] * inv[k * p + j];
                }

                result[i * p + j] = (float)sum;
                result[j * p + i] = (float)sum;
            }
        }

        return result;
    }
}
