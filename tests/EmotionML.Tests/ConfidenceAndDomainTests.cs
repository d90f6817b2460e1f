using System.Diagnostics;
using EmotionML.Audio;
using EmotionML.TestData;

namespace EmotionML.Tests;

/// <summary>Calibrated confidence and the out-of-domain check, on a model trained on EmoDB speakers 03-14.</summary>
public sealed class ConfidenceAndDomainTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private const int Rate = 16000;

    [Fact]
    public void Held_out_speakers_of_the_training_corpus_mostly_pass_the_domain_check()
    {
        using var engine = EmotionEngine.Load(fixture.ModelPath);
        Assert.NotNull(engine.Model.Domain);
        Assert.NotNull(engine.Model.Calibration);
        var predictions = fixture.HeldOut.Select(i => engine.Predict(File.OpenRead(i.Path))).ToArray();
        Assert.All(predictions, p => Assert.NotNull(p.InDomain));
        double passed = predictions.Count(p => p.InDomain == true) / (double)predictions.Length;
        // The threshold lets about 95 % of held-out speakers' clips pass; two unseen speakers vary around that.
        Assert.True(passed >= 0.8, $"{passed:P0} of held-out clips in domain");
    }

    public static TheoryData<string> Synthetic() => ["white noise", "pink noise", "chord", "clicks in silence", "espeak-ng speech"];

    [Theory]
    [MemberData(nameof(Synthetic))]
    public void Audio_unlike_the_training_speech_is_flagged_out_of_domain(string kind)
    {
        using var engine = EmotionEngine.Load(fixture.ModelPath);
        var (samples, rate) = Make(kind);
        var p = engine.Predict(samples, rate);
        var typical = engine.Predict(File.OpenRead(fixture.HeldOut[0].Path));
        Assert.False(p.InDomain, $"{kind}: domain score {p.DomainScore:F2} (threshold {engine.Model.Domain!.Threshold:F2}; a held-out clip scores {typical.DomainScore:F2})");
        Assert.True(p.DomainScore > engine.Model.Domain.Threshold);
        // The JSON says so too.
        using var json = new MemoryStream();
        PredictionWriter.WriteJson(json, [new PredictionRecord(kind, p)], engine.Labels);
        Assert.Contains("\"inDomain\": false", System.Text.Encoding.UTF8.GetString(json.ToArray()));
    }

    [Fact]
    public void Calibration_keeps_the_ranking_and_a_bundle_round_trip_keeps_calibration_and_domain()
    {
        using var engine = EmotionEngine.Load(fixture.ModelPath);
        var model = engine.Model;
        var clip = new AudioDecoder().Decode(fixture.HeldOut[3].Path);
        var features = new Features.SpeechFeatureExtractor().Extract(clip.Samples, clip.SampleRate).Values;
        var raw = model.PredictUncalibrated([features])[0];
        var calibrated = model.PredictProbabilities(features);
        Assert.Equal(EmotionModel.ArgMax(raw), EmotionModel.ArgMax(calibrated));
        Assert.Equal(1.0, calibrated.Sum(), 4);
        if (Math.Abs(model.Calibration!.Temperature - 1) > 0.05)
        {
            Assert.NotEqual(raw, calibrated);
        }

        // The domain model survives the bundle: the same distance after saving and loading again.
        using var saved = new MemoryStream();
        ModelBundle.Load(fixture.ModelPath).Save(saved);
        saved.Position = 0;
        using var again = EmotionModel.Load(saved);
        Assert.Equal(model.Domain!.Distance(features), again.Domain!.Distance(features), 9);
        Assert.Equal(model.Calibration.Temperature, again.Calibration!.Temperature);
    }

    [Fact]
    public void The_domain_distance_is_the_full_quadratic_form_of_the_stored_precision_matrix()
    {
        // Distance uses only the diagonal and the upper triangle (P + Pᵀ); here zᵀ P z over the whole matrix, in double.
        using var engine = EmotionEngine.Load(fixture.ModelPath);
        var domain = engine.Model.Domain!;
        int p = domain.Columns;
        foreach (var item in fixture.HeldOut.Take(4))
        {
            var clip = new AudioDecoder().Decode(item.Path);
            var features = new Features.SpeechFeatureExtractor().Extract(clip.Samples, clip.SampleRate).Values;
            var z = new double[p];
            for (int i = 0; i < p; i++)
            {
                double x = domain.LogColumns[i] ? Math.Log(Math.Max(features[i], 1e-30f)) : features[i];
                z[i] = (float)((x - domain.Mean[i]) * domain.Scale[i]);
            }

            double q = 0;
            for (int i = 0; i < p; i++)
            {
                for (int j = 0; j < p; j++)
                {
                    q += z[i] * (double)domain.Precision[i * p + j] * z[j];
                }
            }

            double expected = Math.Sqrt(Math.Max(q, 0) / p);
            Assert.InRange(domain.Distance(features), expected * (1 - 1e-5), expected * (1 + 1e-5));
        }
    }

    private static (float[] Samples, int Rate) Make(string kind)
    {
        const int n = 3 * Rate;
        switch (kind)
        {
            case "white noise":
                return (Signals.Noise(n, seed: 3, amplitude: 0.3), Rate);
            case "pink noise":
            {
                // Paul Kellet's economy pink filter over white noise.
                var white = Signals.Noise(n, seed: 4, amplitude: 0.3);
                var pink = new float[n];
                double b0 = 0, b1 = 0, b2 = 0;
                for (int i = 0; i < n; i++)
                {
                    b0 = 0.99765 * b0 + white[i] * 0.0990460;
                    b1 = 0.96300 * b1 + white[i] * 0.2965164;
                    b2 = 0.57000 * b2 + white[i] * 1.0526913;
                    pink[i] = (float)((b0 + b1 + b2 + white[i] * 0.1848) * 0.25);
                }

                return (pink, Rate);
            }

            case "chord":
            {
                // C major with harmonics, struck once a second: a music-like signal.
                var chord = new float[n];
                foreach (double f in new[] { 261.63, 329.63, 392.0 })
                {
                    for (int h = 1; h <= 4; h++)
                    {
                        for (int i = 0; i < n; i++)
                        {
                            double t = (double)i / Rate;
                            chord[i] += (float)(0.08 / h * Math.Sin(2 * Math.PI * f * h * t) * Math.Exp(-2 * (t % 1.0)));
                        }
                    }
                }

                return (chord, Rate);
            }

            case "clicks in silence":
            {
                var clicks = new float[n];
                for (int i = Rate / 8; i < n; i += Rate / 4)
                {
                    clicks[i] = 0.9f;
                    clicks[i + 1] = -0.6f;
                }

                return (clicks, Rate);
            }

            default:
            {
                // A neutral synthetic voice (Debian's espeak-ng, installed by scripts/install-deps.sh).
                var wav = Path.Combine(Path.GetTempPath(), $"emotionml-espeak-{Guid.NewGuid():N}.wav");
                try
                {
                    using (var espeak = Process.Start(new ProcessStartInfo("espeak-ng", ["-w", wav, "The meeting is at ten tomorrow morning in the second room on the left."]) { RedirectStandardError = true })!)
                    {
                        Assert.True(espeak.WaitForExit(30_000) && espeak.ExitCode == 0, "espeak-ng failed");
                    }

                    var clip = new AudioDecoder().Decode(wav);
                    return (clip.Samples, clip.SampleRate);
                }
                finally
                {
                    File.Delete(wav);
                }
            }
        }
    }
}
