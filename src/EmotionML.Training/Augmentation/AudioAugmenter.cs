using EmotionML.Audio;

namespace EmotionML.Training.Augmentation;

/// <summary>Makes perturbed copies of a clip: speed (by resampling), circular time shift, gain and white noise at an SNR.</summary>
public static class AudioAugmenter
{
    /// <summary>One augmented copy, drawn from <paramref name="random"/>.</summary>
    /// <param name="samples">The clip.</param>
    /// <param name="sampleRate">Its rate.</param>
    /// <param name="options">The ranges.</param>
    /// <param name="random">The random source (seed it for reproducible copies).</param>
    public static float[] Augment(float[] samples, int sampleRate, AugmentationOptions options, Random random)
    {
        double speed = Uniform(random, options.Speed);
        var x = samples;
        if (Math.Abs(speed - 1) > 1e-3)
        {
            // Playing faster by `speed` = resampling from rate·speed to rate.
            int from = (int)Math.Round(sampleRate * speed);
            x = PolyphaseResampler.Create(from, sampleRate).Resample(samples);
        }

        int shift = (int)Math.Round(Uniform(random, (-options.MaxShiftSeconds, options.MaxShiftSeconds)) * sampleRate);
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = x[(((i - shift) % x.Length) + x.Length) % x.Length];
        }

        double gain = Math.Pow(10, Uniform(random, options.GainDb) / 20);
        double power = 0;
        foreach (float v in y)
        {
            power += (double)v * v;
        }

        power = power / Math.Max(1, y.Length) * gain * gain;
        double noiseRms = Math.Sqrt(power / Math.Pow(10, Uniform(random, options.NoiseSnrDb) / 10));
        for (int i = 0; i < y.Length; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double noise = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2) * noiseRms;
            y[i] = (float)Math.Clamp(y[i] * gain + noise, -1, 1);
        }

        return y;
    }

    private static double Uniform(Random random, (double Min, double Max) range) => range.Min + random.NextDouble() * (range.Max - range.Min);
}
