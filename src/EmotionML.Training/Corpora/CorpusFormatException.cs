namespace EmotionML.Training.Corpora;

/// <summary>A corpus could not be read: a name did not parse in strict mode, or the manifest is malformed.</summary>
public sealed class CorpusFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the file.</param>
    public CorpusFormatException(string message)
        : base(message)
    {
    }
}
