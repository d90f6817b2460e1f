using System.Text.Json;
using System.Text.Json.Nodes;
using EmotionML.Features;

namespace EmotionML;

/// <summary>
/// The JSON file that travels with an imported ONNX model (<c>model.json</c> beside <c>model.onnx</c>): what the
/// graph takes and returns, the labels in output order, the log-mel settings (and their fingerprint) its input was
/// computed with, the test-time crops, and the training record. <c>scripts/cnn/train_cnn.py</c> writes it; a
/// Keras or PyTorch model of your own needs one too (README, "Bring your own ONNX model").
/// </summary>
public sealed record CnnSidecar
{
    /// <summary>The value of <see cref="Format"/>.</summary>
    public const string FormatName = "emotionml-cnn";

    /// <summary>The sidecar version this library reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Always <see cref="FormatName"/>.</summary>
    public string Format { get; init; } = FormatName;

    /// <summary>The sidecar version.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The graph's input: a float tensor [batch, 1, mel bands, frames] of log-mel dB values.</summary>
    public CnnTensor Input { get; init; } = new();

    /// <summary>The graph's output: [batch, labels] probabilities (<c>softmax</c>) or logits (<c>logits</c>).</summary>
    public CnnTensor Output { get; init; } = new();

    /// <summary>The labels, in output order.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>How the input's log-mel is computed.</summary>
    public LogMelSidecar LogMel { get; init; } = new();

    /// <summary>Crops of <c>Input.Shape[3]</c> frames, evenly spaced over the clip, whose probabilities are averaged (at least 1).</summary>
    public int TestCrops { get; init; } = 1;

    /// <summary>How the model was trained (data, speakers, epochs, time), as the trainer recorded it.</summary>
    public JsonObject? Training { get; init; }

    /// <summary>The scores the trainer recorded (e.g. on its validation speakers).</summary>
    public JsonObject? Scores { get; init; }

    /// <summary>Parses a sidecar.</summary>
    /// <param name="json">The UTF-8 JSON.</param>
    /// <exception cref="ModelBundleException">It is not a sidecar this library reads.</exception>
    public static CnnSidecar Parse(ReadOnlySpan<byte> json)
    {
        CnnSidecar sidecar;
        try
        {
            sidecar = JsonSerializer.Deserialize<CnnSidecar>(json, ModelBundle.Json) ?? throw new JsonException("empty");
        }
        catch (JsonException ex)
        {
            throw new ModelBundleException($"The CNN sidecar is not valid JSON of the expected shape: {ex.Message}", ex);
        }

        sidecar.Validate();
        return sidecar;
    }

    /// <summary>The UTF-8 JSON of this sidecar.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, ModelBundle.Json);

    /// <summary>The log-mel settings as options for <see cref="LogMelExtractor"/>.</summary>
    public LogMelFeatureOptions LogMelOptions => new()
    {
        SampleRate = LogMel.SampleRate,
        FftSize = LogMel.FftSize,
        WindowLength = LogMel.WindowLength,
        HopLength = LogMel.HopLength,
        MelBands = LogMel.MelBands,
        TopDb = LogMel.TopDb,
    };

    /// <summary>Frames per crop (the input's time axis).</summary>
    public int Frames => Input.Shape.Count == 4 ? Input.Shape[3] : 0;

    /// <summary>Throws <see cref="ModelBundleException"/> when the sidecar is inconsistent or names settings this library computes differently.</summary>
    public void Validate()
    {
        if (Format != FormatName || FormatVersion != CurrentFormatVersion)
        {
            throw new ModelBundleException($"The sidecar says format '{Format}' version {FormatVersion}; this library reads '{FormatName}' version {CurrentFormatVersion}.");
        }

        if (string.IsNullOrEmpty(Input.Name) || string.IsNullOrEmpty(Output.Name))
        {
            throw new ModelBundleException("The sidecar must name the graph's input and output.");
        }

        if (Input.Shape.Count != 4 || Input.Shape[1] != 1 || Input.Shape[2] != LogMel.MelBands || Input.Shape[3] is < 1 or > 100_000)
        {
            throw new ModelBundleException($"The sidecar's input shape [{string.Join(", ", Input.Shape)}] is not [batch, 1, {LogMel.MelBands} mel bands, frames].");
        }

        if (Output.Kind is not ("softmax" or "logits"))
        {
            throw new ModelBundleException($"The sidecar's output kind '{Output.Kind}' is neither 'softmax' nor 'logits'.");
        }

        if (Labels.Count < 2 || Labels.Distinct(StringComparer.Ordinal).Count() != Labels.Count)
        {
            throw new ModelBundleException("The sidecar must list two or more distinct labels.");
        }

        if (TestCrops is < 1 or > CnnModel.MaxTestCrops)
        {
            throw new ModelBundleException($"The sidecar asks for {TestCrops} test crops; 1 to {CnnModel.MaxTestCrops} are accepted.");
        }

        LogMelFeatureOptions options;
        try
        {
            options = LogMelOptions;
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ModelBundleException($"The sidecar's log-mel settings are invalid: {ex.Message}", ex);
        }

        if (!string.Equals(options.Fingerprint, LogMel.Fingerprint, StringComparison.Ordinal))
        {
            throw new ModelBundleException($"The model's log-mel fingerprint {LogMel.Fingerprint} is not the one this library computes for the same settings ({options.Fingerprint}): its inputs were computed differently, so its predictions here would be wrong.");
        }
    }
}

/// <summary>A tensor of the graph.</summary>
public sealed record CnnTensor
{
    /// <summary>The graph's name for it.</summary>
    public string Name { get; init; } = "";

    /// <summary>Its shape (-1 for the batch axis); empty for the output.</summary>
    public IReadOnlyList<int> Shape { get; init; } = [];

    /// <summary>For the output: <c>softmax</c> or <c>logits</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>For the input: what its values are (informative).</summary>
    public string? Units { get; init; }
}

/// <summary>The log-mel settings a sidecar records (see <see cref="LogMelFeatureOptions"/>).</summary>
public sealed record LogMelSidecar
{
    /// <summary>Analysis rate, Hz.</summary>
    public int SampleRate { get; init; } = 16000;

    /// <summary>FFT size.</summary>
    public int FftSize { get; init; } = 512;

    /// <summary>Window length, samples.</summary>
    public int WindowLength { get; init; } = 400;

    /// <summary>Hop, samples.</summary>
    public int HopLength { get; init; } = 160;

    /// <summary>Mel bands.</summary>
    public int MelBands { get; init; } = 64;

    /// <summary>Dynamic range, dB.</summary>
    public double TopDb { get; init; } = 80;

    /// <summary><see cref="LogMelFeatureOptions.Fingerprint"/> of these settings, as the exporter computed it.</summary>
    public string Fingerprint { get; init; } = "";
}
