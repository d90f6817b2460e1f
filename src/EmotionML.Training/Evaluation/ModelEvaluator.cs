using EmotionML.Features;
using EmotionML.Training.Corpora;
using EmotionML.Training.Data;

namespace EmotionML.Training.Evaluation;

/// <summary>
/// Scores a trained model on a labelled dataset through its <see cref="EmotionModel"/>, the same path
/// <c>Predict</c> takes. When the dataset's labels are not all the model's, both sides are mapped into the common
/// label set and the classes that cannot be compared are dropped (and named). Speaker-normalised models score each
/// clip with a profile from other, label-free clips of its speaker (<see cref="EnrolmentProtocol"/>).
/// </summary>
public static class ModelEvaluator
{
    /// <summary>Evaluates <paramref name="model"/> on <paramref name="data"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="data">Labelled clips with features computed by the model's feature options.</param>
    /// <param name="enrolmentClips">Enrolment clips per profile for speaker-normalised models (0: all of the speaker's other clips).</param>
    /// <param name="seed">Seed of the enrolment draws.</param>
    /// <exception cref="ArgumentException">No clip has a comparable label, the features do not match the model, or a normalised model meets data without speakers.</exception>
    public static ModelEvaluation Evaluate(EmotionModel model, EmotionDataset data, int enrolmentClips = 8, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Schema.Fingerprint != model.Schema.Fingerprint)
        {
            throw new ArgumentException($"The data's features ({data.Schema.Id}) are not the model's ({model.Schema.Id}).", nameof(data));
        }

        if (model.RequiresSpeakerProfile && !data.Corpus.HasSpeakers)
        {
            throw new ArgumentException("This model normalises per speaker, but the data has no speaker information to build profiles from.", nameof(data));
        }

        if (model.Cnn is { } cnn)
        {
            if (data.LogMel is not { } mel)
            {
                throw new ArgumentException("This model includes a CNN on the log-mel spectrogram: give the data its clips' log-mels (EmotionDataset.WithLogMel, with the CNN's LogMel options).", nameof(data));
            }

            if (mel.Options.Fingerprint != cnn.LogMel.Options.Fingerprint)
            {
                throw new ArgumentException($"The data's log-mel spectrograms were computed with other settings ({mel.Options.Fingerprint}) than the model's CNN takes ({cnn.LogMel.Options.Fingerprint}).", nameof(data));
            }
        }

        var modelLabels = model.Labels;
        bool sameLabels = data.Labels.All(modelLabels.Contains);
        Func<string, string?> mapTruth = sameLabels ? l => l : l => CommonLabels.Map(l);
        Func<string, string> mapPrediction = sameLabels ? l => l : l => CommonLabels.Map(l) ?? l;
        var space = sameLabels ? modelLabels.ToArray() : modelLabels.Select(mapPrediction).Distinct().ToArray();
        var keep = Enumerable.Range(0, data.Count).Where(i => mapTruth(data.Items[i].Label) is { } t && space.Contains(t)).ToArray();
        var dropped = data.Items.Select(i => i.Label).Distinct().Where(l => mapTruth(l) is not { } t || !space.Contains(t)).Order(StringComparer.Ordinal).ToArray();
        if (keep.Length == 0)
        {
            throw new ArgumentException("No clip of this data has a label the model knows.", nameof(data));
        }

        var speakers = data.Speakers;
        var keptFeatures = keep.Select(i => data.Features[i]).ToArray();
        var everyClip = Enumerable.Range(0, data.Count).ToArray();
        var logMels = model.RequiresLogMel ? keep.Select(i => (LogMelSpectrogram)data.LogMel!.Spectrograms[i]).ToArray() : null;
        float[][] Score(int clips) => model.PredictUncalibrated(keptFeatures, EnrolmentProtocol.ProfilesFor(model, data.Features, speakers, keep, everyClip, clips, seed), logMels);

        float[][] Calibrated(float[][] raw) => model.Calibration is { } c ? CalibrationMetrics.Apply(raw, c.Temperature) : raw;

        var truth = keep.Select(i => Array.IndexOf(space, mapTruth(data.Items[i].Label))).ToArray();
        int[] Predicted(float[][] scores) => scores.Select(s => Array.IndexOf(space, mapPrediction(modelLabels[EmotionModel.ArgMax(s)]))).ToArray();
        ClassificationMetrics MetricsOf(float[][] scores) => ClassificationMetrics.Compute(space, truth, Predicted(scores));

        var rawScores = Score(enrolmentClips);
        var scores = Calibrated(rawScores);
        var predicted = Predicted(scores);
        var metrics = ClassificationMetrics.Compute(space, truth, predicted);
        var curve = model.RequiresSpeakerProfile
            ? EnrolmentProtocol.CurveSizes.Select(k =>
            {
                var m = k == enrolmentClips ? metrics : MetricsOf(Calibrated(Score(k)));
                return new EnrolmentPoint { Clips = k, Accuracy = Math.Round(m.Accuracy, 6), MacroF1 = Math.Round(m.MacroF1, 6) };
            }).ToArray()
            : [];
        // Calibration from each clip's top confidence and whether its (mapped) prediction was right; calibration
        // never changes the ranking, so raw and calibrated scores share these predictions.
        var correct = predicted.Select((p, n) => p == truth[n]).ToArray();
        double Ece(float[][] p, Func<int, bool> include)
        {
            var idx = Enumerable.Range(0, p.Length).Where(include).ToArray();
            return CalibrationMetrics.ExpectedCalibrationError(idx.Select(n => (double)p[n].Max()).ToArray(), idx.Select(n => correct[n]).ToArray());
        }

        double eceBefore = Ece(rawScores, _ => true), eceAfter = Ece(scores, _ => true);
        double? inDomainShare = null, accuracyInDomain = null, eceInDomain = null;
        if (model.Domain is { } domain)
        {
            var passed = keptFeatures.Select(f => domain.IsInDomain(domain.Distance(f))).ToArray();
            inDomainShare = passed.Count(p => p) / (double)passed.Length;
            int inCount = passed.Count(p => p);
            accuracyInDomain = inCount == 0 ? null : Enumerable.Range(0, passed.Length).Count(n => passed[n] && correct[n]) / (double)inCount;
            eceInDomain = inCount == 0 ? null : Ece(scores, n => passed[n]);
        }

        var trainingSpeakers = model.Manifest?.TrainingData.Speakers ?? [];
        var scoredSpeakers = keep.Select(i => speakers[i]).Distinct().ToArray();
        return new ModelEvaluation
        {
            Metrics = metrics,
            Clips = keep.Length,
            Speakers = scoredSpeakers.Length,
            LabelsMapped = !sameLabels,
            DroppedClasses = dropped,
            DroppedClips = data.Count - keep.Length,
            SpeakersAlsoInTraining = scoredSpeakers.Intersect(trainingSpeakers).ToArray(),
            EnrolmentClips = model.RequiresSpeakerProfile ? enrolmentClips : null,
            Enrolment = curve,
            MeanConfidence = scores.Average(s => s.Max()),
            EceBefore = eceBefore,
            EceAfter = eceAfter,
            InDomainShare = inDomainShare,
            AccuracyInDomain = accuracyInDomain,
            EceInDomain = eceInDomain,
        };
    }

}

/// <summary>What <see cref="ModelEvaluator"/> measured.</summary>
public sealed record ModelEvaluation
{
    /// <summary>Scores over the comparable clips.</summary>
    public required ClassificationMetrics Metrics { get; init; }

    /// <summary>Clips scored.</summary>
    public int Clips { get; init; }

    /// <summary>Speakers scored.</summary>
    public int Speakers { get; init; }

    /// <summary>Whether labels were mapped into the common set.</summary>
    public bool LabelsMapped { get; init; }

    /// <summary>Classes of the data with no counterpart in the model.</summary>
    public IReadOnlyList<string> DroppedClasses { get; init; } = [];

    /// <summary>Clips of those classes.</summary>
    public int DroppedClips { get; init; }

    /// <summary>Scored speakers the model was trained on (then this is not a held-out estimate).</summary>
    public IReadOnlyList<string> SpeakersAlsoInTraining { get; init; } = [];

    /// <summary>Enrolment clips per profile behind <see cref="Metrics"/>, or null for a model without speaker normalisation.</summary>
    public int? EnrolmentClips { get; init; }

    /// <summary>Accuracy by enrolment size for speaker-normalised models (empty otherwise).</summary>
    public IReadOnlyList<EnrolmentPoint> Enrolment { get; init; } = [];

    /// <summary>Mean top probability (calibrated when the model is).</summary>
    public double MeanConfidence { get; init; }

    /// <summary>Expected calibration error (10 bins, top label) of the raw probabilities.</summary>
    public double EceBefore { get; init; }

    /// <summary>The same with the model's calibration applied.</summary>
    public double EceAfter { get; init; }

    /// <summary>Expected calibration error (calibrated) over the clips the domain check passed.</summary>
    public double? EceInDomain { get; init; }

    /// <summary>The share of scored clips the domain check passed (null without one).</summary>
    public double? InDomainShare { get; init; }

    /// <summary>Accuracy on the clips the domain check passed.</summary>
    public double? AccuracyInDomain { get; init; }
}
