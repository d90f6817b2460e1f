namespace EmotionML;

/// <summary>
/// Per-speaker feature statistics for models trained with speaker normalisation: built from a few clips of the
/// speaker (an enrolment set, label-free) with <see cref="EmotionEngine.CreateSpeakerProfile"/>, then passed to
/// <c>Predict</c> for that speaker's clips.
/// </summary>
public sealed class SpeakerProfile
{
    internal SpeakerProfile(double[] mean, double[] std, int clips)
    {
        Mean = mean;
        Std = std;
        Clips = clips;
    }

    internal double[] Mean { get; }

    internal double[] Std { get; }

    /// <summary>How many clips the statistics come from.</summary>
    public int Clips { get; }
}
