namespace EmotionML;

/// <summary>
/// Speaker normalisation: each speaker's feature vectors are standardised (per column, zero mean and unit
/// variance) with statistics from that speaker's own clips, without labels. It removes much of what identifies
/// a voice (pitch range, timbre, loudness) and keeps what varies within it. At prediction time the statistics
/// come from a set of clips of the same speaker (enrolment), or from a running estimate over the speaker's
/// clips so far; a speaker seen once cannot be normalised.
/// </summary>
public static class SpeakerNormalizer
{
    /// <summary>Returns normalised copies of <paramref name="features"/>, grouped by <paramref name="speakers"/>.</summary>
    /// <param name="features">One vector per clip.</param>
    /// <param name="speakers">The speaker of each clip.</param>
    public static float[][] Normalize(float[][] features, IReadOnlyList<string> speakers)
    {
        var result = new float[features.Length][];
        foreach (var group in Enumerable.Range(0, features.Length).GroupBy(i => speakers[i]))
        {
            var indices = group.ToArray();
            var stats = Statistics(indices.Select(i => features[i]).ToArray());
            foreach (var i in indices)
            {
                result[i] = Apply(features[i], stats);
            }
        }

        return result;
    }

    /// <summary>Per-column mean and standard deviation of a speaker's vectors.</summary>
    /// <param name="vectors">The speaker's clips.</param>
    public static (double[] Mean, double[] Std) Statistics(IReadOnlyList<float[]> vectors)
    {
        int n = vectors[0].Length;
        var mean = new double[n];
        var std = new double[n];
        foreach (var v in vectors)
        {
            for (int c = 0; c < n; c++)
            {
                mean[c] += v[c];
            }
        }

        for (int c = 0; c < n; c++)
        {
            mean[c] /= vectors.Count;
        }

        foreach (var v in vectors)
        {
            for (int c = 0; c < n; c++)
            {
                std[c] += (v[c] - mean[c]) * (v[c] - mean[c]);
            }
        }

        for (int c = 0; c < n; c++)
        {
            std[c] = Math.Sqrt(std[c] / vectors.Count);
        }

        return (mean, std);
    }

    /// <summary>Standardises one vector with a speaker's statistics (constant columns become 0).</summary>
    /// <param name="vector">The clip's features.</param>
    /// <param name="stats">The speaker's statistics.</param>
    public static float[] Apply(float[] vector, (double[] Mean, double[] Std) stats)
    {
        var result = new float[vector.Length];
        for (int c = 0; c < vector.Length; c++)
        {
            double sd = stats.Std[c];
            result[c] = sd > 1e-9 * Math.Max(1, Math.Abs(stats.Mean[c])) ? (float)((vector[c] - stats.Mean[c]) / sd) : 0f;
        }

        return result;
    }
}
