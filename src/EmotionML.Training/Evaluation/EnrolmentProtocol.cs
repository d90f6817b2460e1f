namespace EmotionML.Training.Evaluation;

/// <summary>
/// How speaker-normalised models are scored on held-out speakers, as a deployed model would be: each scored clip's
/// speaker profile comes from <c>K</c> other clips of the same speaker, drawn at random (seeded, without labels);
/// the scored clip is never part of its own profile. <c>K = 0</c> means all of the speaker's other clips. Training
/// speakers' clips are normalised with profiles from all of their (training) clips.
/// </summary>
public static class EnrolmentProtocol
{
    /// <summary>The enrolment sizes of the curve reported for speaker-normalised models (0: all other clips).</summary>
    public static IReadOnlyList<int> CurveSizes { get; } = [4, 8, 16, 0];

    /// <summary>Describes an enrolment size: "8 clips" or "all other clips".</summary>
    /// <param name="clips">Enrolment clips per speaker (0: all others).</param>
    public static string Describe(int clips) => clips <= 0 ? "all other clips" : $"{clips} clips";

    /// <summary>
    /// One profile per scored clip, from <paramref name="clips"/> other clips of its speaker drawn at random
    /// among <paramref name="pool"/> (seeded by <paramref name="seed"/> and the clip's index).
    /// </summary>
    /// <param name="normalization">The model's speaker normalisation.</param>
    /// <param name="features">Every clip's raw features.</param>
    /// <param name="speakers">Every clip's speaker.</param>
    /// <param name="scored">The clips to score.</param>
    /// <param name="pool">The clips enrolment may draw from (e.g. all clips of the held-out speakers).</param>
    /// <param name="clips">Enrolment clips per profile (0: all of the speaker's other clips in the pool).</param>
    /// <param name="seed">Seed of the draws.</param>
    /// <exception cref="ArgumentException">A speaker has too few other clips for a profile.</exception>
    public static SpeakerProfile[] Profiles(SpeakerNormalization normalization, IReadOnlyList<float[]> features, IReadOnlyList<string> speakers, IReadOnlyList<int> scored, IReadOnlyList<int> pool, int clips, int seed)
    {
        ArgumentNullException.ThrowIfNull(normalization);
        var bySpeaker = pool.GroupBy(i => speakers[i]).ToDictionary(g => g.Key, g => g.ToArray());
        var result = new SpeakerProfile[scored.Count];
        for (int n = 0; n < scored.Count; n++)
        {
            int i = scored[n];
            var others = bySpeaker.TryGetValue(speakers[i], out var same) ? same.Where(j => j != i).ToArray() : [];
            int take = clips <= 0 ? others.Length : Math.Min(clips, others.Length);
            if (take < normalization.MinimumClips)
            {
                throw new ArgumentException($"Speaker {speakers[i]} has {others.Length} other clip(s); a profile needs {normalization.MinimumClips}.");
            }

            // Partial Fisher-Yates: the first `take` of a seeded shuffle.
            var random = new Random(HashCode.Combine(seed, i));
            for (int k = 0; k < take; k++)
            {
                int r = random.Next(k, others.Length);
                (others[k], others[r]) = (others[r], others[k]);
            }

            result[n] = normalization.CreateProfile(others.Take(take).Select(j => features[j]).ToArray());
        }

        return result;
    }

    /// <summary>
    /// The profiles a model needs for the scored clips (<see cref="Profiles"/> with the model's normalisation), or
    /// null when the model does not normalise per speaker.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="features">Every clip's raw features.</param>
    /// <param name="speakers">Every clip's speaker.</param>
    /// <param name="scored">The clips to score.</param>
    /// <param name="pool">The clips enrolment may draw from.</param>
    /// <param name="clips">Enrolment clips per profile (0: all of the speaker's other clips in the pool).</param>
    /// <param name="seed">Seed of the draws.</param>
    public static SpeakerProfile[]? ProfilesFor(EmotionModel model, IReadOnlyList<float[]> features, IReadOnlyList<string> speakers, IReadOnlyList<int> scored, IReadOnlyList<int> pool, int clips, int seed) =>
        model.SpeakerNormalization is { } normalization ? Profiles(normalization, features, speakers, scored, pool, clips, seed) : null;

    /// <summary>Training clips normalised with their speaker's profile from all of that speaker's clips in <paramref name="items"/>.</summary>
    /// <param name="normalization">The normalisation.</param>
    /// <param name="features">Every clip's raw features.</param>
    /// <param name="speakers">Every clip's speaker.</param>
    /// <param name="items">The training clips.</param>
    /// <returns>Each training speaker's profile.</returns>
    public static Dictionary<string, SpeakerProfile> TrainingProfiles(SpeakerNormalization normalization, IReadOnlyList<float[]> features, IReadOnlyList<string> speakers, IReadOnlyList<int> items) =>
        items.GroupBy(i => speakers[i]).ToDictionary(g => g.Key, g => normalization.CreateProfile(g.Select(i => features[i]).ToArray()));
}
