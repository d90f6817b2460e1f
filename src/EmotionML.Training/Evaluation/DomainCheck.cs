using EmotionML.Training.Data;

namespace EmotionML.Training.Evaluation;

/// <summary>Fits a model's out-of-domain check (<see cref="DomainModel"/>) from held-out speakers only.</summary>
public static class DomainCheck
{
    /// <summary>
    /// A domain model on <paramref name="items"/>' pooled vectors whose threshold lets <paramref name="coverage"/> of
    /// held-out clips pass when each fold's domain model was fitted without them: each fold of
    /// <paramref name="folds"/> (restricted to <paramref name="items"/>) fits one on its training clips and measures
    /// its validation clips' distances; the threshold is their <paramref name="coverage"/> quantile.
    /// </summary>
    /// <param name="data">The data the folds index.</param>
    /// <param name="folds">Speaker-grouped folds over <paramref name="data"/>.</param>
    /// <param name="items">The clips the model is fitted on (indices into <paramref name="data"/>).</param>
    /// <param name="coverage">The share of held-out clips that must pass (0.95 for every model `train` writes).</param>
    public static DomainModel Fit(EmotionDataset data, SpeakerGroupedFolds folds, IReadOnlyList<int> items, double coverage = 0.95)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(folds);
        ArgumentNullException.ThrowIfNull(items);
        var distances = new List<double>();
        var set = items.ToHashSet();
        for (int k = 0; k < folds.Count; k++)
        {
            var (train, validation) = folds.Split(k);
            var fitOn = train.Where(set.Contains).Select(i => data.Features[i]).ToArray();
            var held = validation.Where(set.Contains).ToArray();
            if (fitOn.Length < 2 || held.Length == 0)
            {
                continue;
            }

            var fold = DomainModel.Fit(fitOn);
            distances.AddRange(held.Select(i => fold.Distance(data.Features[i])));
        }

        distances.Sort();
        double threshold = distances.Count == 0 ? double.PositiveInfinity : distances[Math.Clamp((int)Math.Ceiling(coverage * distances.Count) - 1, 0, distances.Count - 1)];
        return DomainModel.Fit(items.Select(i => data.Features[i]).ToArray()).WithThreshold(threshold, coverage);
    }
}
