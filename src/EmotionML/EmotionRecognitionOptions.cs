namespace EmotionML;

/// <summary>Options of the <see cref="EmotionEngine"/> registered by <c>services.AddEmotionRecognition(...)</c>.</summary>
public sealed class EmotionRecognitionOptions
{
    /// <summary>A model bundle file; <c>null</c> (default) uses the model embedded in the package.</summary>
    public string? ModelPath { get; set; }

    /// <summary>Engine settings (audio limits, silence threshold).</summary>
    public EngineOptions Engine { get; set; } = new();
}
