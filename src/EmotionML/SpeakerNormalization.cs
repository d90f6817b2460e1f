namespace EmotionML;

/// <summary>
/// Speaker normalisation as a model stores it: each clip's features are standardised (per column) with the
/// statistics of its speaker, estimated from a few label-free clips of that speaker (an enrolment set), so much of
/// what identifies a voice (pitch range, timbre, loudness) is removed and what varies within it is kept.
/// <para>
/// A few clips give noisy statistics: plain z-scoring with 8 clips can be worse than no normalisation. The
/// speaker's mean and variance are therefore shrunk toward the training speakers' (a Bayesian estimate with
/// <see cref="Shrinkage"/> pseudo-clips of prior): with n enrolment clips,
/// mean = (n·x̄ + τ·μ₀)/(n + τ) and variance = (n·s² + τ·σ₀²)/(n + τ), where μ₀ is the mean of the training
/// speakers' means and σ₀² their average within-speaker variance. τ = 0 is plain per-speaker z-scoring; a large τ
/// approaches one global standardisation. The experiment chooses τ on training speakers only.
/// </para>
/// </summary>
public sealed record SpeakerNormalization
{
    /// <summary>Pseudo-clips of prior (τ): how strongly a speaker's statistics are shrunk toward the training speakers'.</summary>
    public double Shrinkage { get; init; }

    /// <summary>Mean of the training speakers' per-speaker means, per column (μ₀).</summary>
    public IReadOnlyList<double> PriorMean { get; init; } = [];

    /// <summary>Root of the training speakers' average within-speaker variance, per column (σ₀).</summary>
    public IReadOnlyList<double> PriorStd { get; init; } = [];

    /// <summary>The fewest clips a profile may be built from (2 without shrinkage, else 1).</summary>
    public int MinimumClips => Shrinkage > 0 ? 1 : 2;

    /// <summary>Estimates the population prior from training speakers' clips.</summary>
    /// <param name="features">One vector per clip.</param>
    /// <param name="speakers">The speaker of each clip.</param>
    /// <param name="shrinkage">Pseudo-clips of prior (τ ≥ 0).</param>
    public static SpeakerNormalization Fit(IReadOnlyList<float[]> features, IReadOnlyList<string> speakers, double shrinkage)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shrinkage);
        if (features.Count == 0 || features.Count != speakers.Count)
        {
            throw new ArgumentException("Speaker normalisation needs clips, each with its speaker.", nameof(features));
        }

        int n = features[0].Length;
        var mean = new double[n];
        var variance = new double[n];
        var groups = Enumerable.Range(0, features.Count).GroupBy(i => speakers[i]).ToArray();
        foreach (var group in groups)
        {
            var (m, s) = Statistics(group.Select(i => features[i]).ToArray());
            for (int c = 0; c < n; c++)
            {
                mean[c] += m[c] / groups.Length;
                variance[c] += s[c] * s[c] / groups.Length;
            }
        }

        return new SpeakerNormalization { Shrinkage = shrinkage, PriorMean = mean, PriorStd = variance.Select(Math.Sqrt).ToArray() };
    }

    /// <summary>A speaker's profile from enrolment clips (label-free): the shrunk mean and standard deviation.</summary>
    /// <param name="clips">The speaker's feature vectors.</param>
    /// <exception cref="ArgumentException">Fewer than <see cref="MinimumClips"/> clips, or vectors of the wrong length.</exception>
    public SpeakerProfile CreateProfile(IReadOnlyList<float[]> clips)
    {
        ArgumentNullException.ThrowIfNull(clips);
        if (clips.Count < MinimumClips)
        {
            throw new ArgumentException($"A speaker profile needs at least {MinimumClips} clip(s) of the speaker.", nameof(clips));
        }

        int n = PriorMean.Count;
        if (clips.Any(c => c.Length != n))
        {
            throw new ArgumentException($"Every clip's feature vector must have {n} columns.", nameof(clips));
        }

        var (mean, std) = Statistics(clips);
        double k = clips.Count, tau = Shrinkage;
        for (int c = 0; c < n; c++)
        {
            mean[c] = (k * mean[c] + tau * PriorMean[c]) / (k + tau);
            std[c] = Math.Sqrt((k * std[c] * std[c] + tau * PriorStd[c] * PriorStd[c]) / (k + tau));
        }

        return new SpeakerProfile(mean, std, clips.Count);
    }

    /// <summary>Standardises one vector with a speaker's profile (columns with no spread become 0).</summary>
    /// <param name="vector">The clip's features.</param>
    /// <param name="profile">The speaker's profile.</param>
    public float[] Apply(float[] vector, SpeakerProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (vector.Length != profile.Mean.Length)
        {
            throw new ArgumentException($"The feature vector has {vector.Length} columns; the profile has {profile.Mean.Length}.", nameof(vector));
        }

        var result = new float[vector.Length];
        for (int c = 0; c < vector.Length; c++)
        {
            double sd = profile.Std[c], mu = profile.Mean[c];
            result[c] = sd > 1e-9 * Math.Max(1, Math.Abs(mu)) ? (float)((vector[c] - mu) / sd) : 0f;
        }

        return result;
    }

    /// <summary>Per-column mean and population standard deviation of a set of vectors.</summary>
    /// <param name="vectors">The vectors.</param>
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
                double d = v[c] - mean[c];
                std[c] += d * d;
            }
        }

        for (int c = 0; c < n; c++)
        {
            std[c] = Math.Sqrt(std[c] / vectors.Count);
        }

        return (mean, std);
    }
}
