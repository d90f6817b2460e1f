namespace EmotionML.Features;

/// <summary>Thrown when feature vectors do not have the schema a consumer (a model) expects.</summary>
public sealed class FeatureSchemaMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What differs.</param>
    public FeatureSchemaMismatchException(string message)
        : base(message)
    {
    }
}
