namespace EmotionML;

/// <summary>A model bundle could not be read: missing, truncated, corrupt, tampered with, or made for other features.</summary>
public sealed class ModelBundleException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong with the bundle.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public ModelBundleException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
