using EmotionML.Audio;
using EmotionML.TestData;
using Xunit.Abstractions;

namespace EmotionML.Features.Tests;

/// <summary>
/// Every reference clip, at its native rate and (where present) after librosa's polyphase load at 22.05 kHz,
/// against librosa 0.10.2 at its defaults: relative L2 error of per-feature time means and stds.
/// </summary>
public sealed class LibrosaConformanceTests(ITestOutputHelper output)
{
    public const double Tight = 1e-3;
    public const double Loose = 1e-2;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in LibrosaReference.Names())
        {
            var reference = LibrosaReference.Load(name);
            foreach (var config in new[] { "native", "sr22050_polyphase" })
            {
                if (reference.HasConfig(config))
                {
                    data.Add(name, config);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MeansAndStdsMatchLibrosa(string clip, string config)
    {
        var reference = LibrosaReference.Load(clip);
        var (frames, magnitude) = Analyze(reference, config);
        var failures = new List<string>();
        foreach (var (feature, ours, tolerance) in Pairs(frames, magnitude))
        {
            var (oursMean, oursStd) = MeanStd(ours);
            // Row by row (each MFCC coefficient, mel band, chroma bin...), so a large row such as mfcc0 cannot hide
            // an error in a small one: a mean is compared on the scale of its row's level or spread.
            var refMean = reference.Mean(config, feature);
            var refStd = reference.Std(config, feature);
            double meanError = WorstRowError(oursMean, refMean, refStd);
            double stdError = WorstRowError(oursStd, refStd, refStd);
            output.WriteLine($"{clip} {config} {feature}: mean {meanError:E2}, std {stdError:E2} (tolerance {tolerance:E0})");
            if (!(meanError <= tolerance) || !(stdError <= tolerance))
            {
                failures.Add($"{feature}: mean {meanError:E2}, std {stdError:E2} > {tolerance:E0}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TuningEstimateMatchesLibrosa(string clip, string config)
    {
        var reference = LibrosaReference.Load(clip);
        var (power, magnitude) = Analyze(reference, config);
        Assert.Equal(reference.Scalar(config, "chroma_tuning_power"), power.ChromaTuning!.Value, 9);
        Assert.Equal(reference.Scalar(config, "chroma_tuning_magnitude"), magnitude.ChromaTuning!.Value, 9);
    }

    public static TheoryData<string> FrameCases() => new(LibrosaReference.FrameNames());

    [Theory]
    [MemberData(nameof(FrameCases))]
    public void FrameMatricesMatchLibrosa(string clip)
    {
        var reference = LibrosaReference.Load(clip, frames: true);
        // The decoded signal stored beside the matrices must be what our WAV decoder gives.
        var clipAudio = new AudioDecoder().Decode(reference.AudioPath);
        Assert.Equal(reference.Signal("native"), clipAudio.Samples);

        var (frames, magnitude) = Analyze(reference, "native");
        var failures = new List<string>();
        foreach (var (feature, ours, tolerance) in Pairs(frames, magnitude))
        {
            var expected = reference.Frames("native", feature);
            Assert.Equal(expected.Length, ours.Rows);
            Assert.Equal(expected[0].Length, ours.Frames);
            double num = 0, den = 0;
            for (int r = 0; r < ours.Rows; r++)
            {
                for (int t = 0; t < ours.Frames; t++)
                {
                    double d = ours[r, t] - expected[r][t];
                    num += d * d;
                    den += expected[r][t] * expected[r][t];
                }
            }

            double error = den == 0 ? Math.Sqrt(num) : Math.Sqrt(num / den);
            output.WriteLine($"{clip} {feature} frames: {error:E2}");
            if (!(error <= tolerance))
            {
                failures.Add($"{feature}: {error:E2} > {tolerance:E0}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    /// <summary>All features with librosa's defaults, and chroma from the magnitude spectrum.</summary>
    internal static (FrameFeatures Power, FrameFeatures Magnitude) Analyze(LibrosaReference reference, string config)
    {
        var clip = new AudioDecoder().Decode(reference.AudioPath);
        int rate = reference.SampleRate(config);
        var samples = rate == clip.SampleRate ? clip.Samples : clip.ResampleTo(rate, ResamplerQuality.Librosa).Samples;
        var options = FeatureOptions.ForPreset(FeaturePreset.Librosa, rate);
        var power = new SpeechFeatureExtractor(options).ExtractFrames(samples, rate);
        var magnitude = new SpeechFeatureExtractor(options with { Chroma = new ChromaOptions { Spectrum = ChromaSpectrum.Magnitude } })
            .ExtractFrames(samples, rate, FeatureKinds.Chroma);
        return (power, magnitude);
    }

    private static IEnumerable<(string Feature, FeatureMatrix Ours, double Tolerance)> Pairs(FrameFeatures f, FrameFeatures magnitude)
    {
        yield return ("mfcc", f.Mfcc!, Tight);
        yield return ("melspectrogram", f.Mel!, Tight);
        yield return ("spectral_centroid", f.Centroid!, Tight);
        yield return ("spectral_rolloff", f.Rolloff!, Tight);
        yield return ("spectral_bandwidth", f.Bandwidth!, Tight);
        yield return ("rms", f.Rms!, Tight);
        yield return ("zero_crossing_rate", f.ZeroCrossingRate!, Tight);
        yield return ("chroma_stft", f.Chroma!, Loose);
        yield return ("chroma_stft_mag", magnitude.Chroma!, Loose);
        yield return ("spectral_contrast", f.Contrast!, Loose);
    }

    internal static (double[] Mean, double[] Std) MeanStd(FeatureMatrix m)
    {
        var mean = new double[m.Rows];
        var std = new double[m.Rows];
        for (int r = 0; r < m.Rows; r++)
        {
            double s = 0;
            for (int t = 0; t < m.Frames; t++)
            {
                s += m[r, t];
            }

            mean[r] = s / m.Frames;
            double v = 0;
            for (int t = 0; t < m.Frames; t++)
            {
                v += (m[r, t] - mean[r]) * (m[r, t] - mean[r]);
            }

            std[r] = Math.Sqrt(v / m.Frames);
        }

        return (mean, std);
    }

    /// <summary>The largest |ours − reference| over rows, each relative to max(|reference|, the row's spread).</summary>
    internal static double WorstRowError(double[] ours, double[] reference, double[] spread)
    {
        Assert.Equal(reference.Length, ours.Length);
        double worst = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            double scale = Math.Max(Math.Abs(reference[i]), Math.Abs(spread[i]));
            double error = scale == 0 ? Math.Abs(ours[i] - reference[i]) : Math.Abs(ours[i] - reference[i]) / scale;
            worst = Math.Max(worst, error);
        }

        return worst;
    }

    internal static double RelativeError(double[] ours, double[] reference)
    {
        Assert.Equal(reference.Length, ours.Length);
        double num = 0, den = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            num += (ours[i] - reference[i]) * (ours[i] - reference[i]);
            den += reference[i] * reference[i];
        }

        // An all-zero reference (silence) is compared absolutely.
        return den == 0 ? Math.Sqrt(num) : Math.Sqrt(num / den);
    }
}
