namespace EmotionML;

/// <summary>
/// A speaker's feature statistics for models trained with speaker normalisation: built from a few label-free clips
/// of the speaker (an enrolment set) with <see cref="EmotionEngine.CreateSpeakerProfile"/> or
/// <see cref="EmotionModel.CreateSpeakerProfile"/>, then passed to <c>Predict</c> for that speaker's other clips.
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
