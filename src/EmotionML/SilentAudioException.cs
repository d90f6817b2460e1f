namespace EmotionML;

/// <summary>The clip is empty or silent: there is no speech to recognise an emotion in.</summary>
public sealed class SilentAudioException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was found.</param>
    public SilentAudioException(string message)
        : base(message)
    {
    }
}
