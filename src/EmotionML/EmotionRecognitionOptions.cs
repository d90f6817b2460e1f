namespace EmotionML;

/// <summary>Options of the <see cref="EmotionEngine"/> registered by <c>services.AddEmotionRecognition(...)</c>.</summary>
public sealed class EmotionRecognitionOptions
{
    /// <summary>A model bundle file; <c>null</c> (default) uses the model embedded in the package.</summary>
    public string? ModelPath { get; set; }

    /// <summary>Engine settings (audio limits, silence threshold).</summary>
    public EngineOptions Engine { get; set; } = new();

    /// <summary>
    /// Whether a host (ASP.NET Core, the generic host) loads the model and runs <see cref="EmotionEngine.WarmUp"/>
    /// when it starts (default <c>true</c>): a missing or corrupt model then stops start-up with its error instead of
    /// failing the first request, and the first request does not pay for loading and compiling (about half a second
    /// with the default model). <c>false</c>: loaded on first use. Without a host, the engine is always loaded on first use.
    /// </summary>
    public bool LoadAtStartup { get; set; } = true;
}
