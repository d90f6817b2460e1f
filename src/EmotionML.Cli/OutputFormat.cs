namespace EmotionML.Cli;

/// <summary>Output formats of the <c>features</c> command.</summary>
public enum OutputFormat
{
    /// <summary>A JSON array with one object per input file.</summary>
    Json,

    /// <summary>One CSV row per input file, one column per feature.</summary>
    Csv,
}
