using EmotionML.Audio;

namespace EmotionML.Features;

/// <summary>
/// Computes the log-mel spectrograms CNN models take, from the same STFT and mel code as the pooled vector. The
/// one place those tensors are made: the corpus export that Python trains on, the engine at prediction time and
/// the ML.NET <c>ExtractLogMel</c> estimator all call it. Thread-safe.
/// </summary>
public sealed class LogMelExtractor
{
    private readonly SpeechFeatureExtractor _extractor;

    /// <summary>Creates an extractor.</summary>
    /// <param name="options">The log-mel settings; <c>null</c> for <see cref="LogMelFeatureOptions.Default"/>.</param>
    public LogMelExtractor(LogMelFeatureOptions? options = null)
    {
        Options = options ?? LogMelFeatureOptions.Default;
        Options.Validate();
        _extractor = new SpeechFeatureExtractor(Options.ToFeatureOptions());
    }

    /// <summary>The settings in force.</summary>
    public LogMelFeatureOptions Options { get; }

    /// <summary>The log-mel spectrogram of a clip (resampled to <see cref="LogMelFeatureOptions.SampleRate"/> first if needed).</summary>
    /// <param name="clip">The audio.</param>
    public LogMelSpectrogram Extract(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        var audio = clip.ResampleTo(Options.SampleRate);
        return Extract(audio.Samples, audio.SampleRate);
    }

    /// <summary>The log-mel spectrogram of samples at <see cref="LogMelFeatureOptions.SampleRate"/>: bands × frames, dB.</summary>
    /// <param name="samples">Mono samples; at least one, all finite.</param>
    /// <param name="sampleRate">Must equal <see cref="LogMelFeatureOptions.SampleRate"/>.</param>
    public LogMelSpectrogram Extract(ReadOnlySpan<float> samples, int sampleRate) => _extractor.ExtractLogMel(samples, sampleRate);

    /// <summary>
    /// The spectrogram of <paramref name="samples"/> handed to <paramref name="use"/> over reused storage (no
    /// allocation when the previous clip had the same length): valid only during the call.
    /// </summary>
    internal T WithSpectrogram<T>(ReadOnlySpan<float> samples, int sampleRate, Func<LogMelSpectrogram, T> use) => _extractor.WithLogMel(samples, sampleRate, use);
}
