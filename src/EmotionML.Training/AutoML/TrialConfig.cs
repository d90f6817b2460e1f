using System.Globalization;

namespace EmotionML.Training.AutoML;

/// <summary>A candidate pipeline: a trainer, its hyper-parameters, and whether features are speaker-normalised.</summary>
/// <param name="Trainer">The trainer.</param>
/// <param name="Parameters">Hyper-parameter values by name.</param>
/// <param name="SpeakerNormalization">Whether each speaker's features are standardised on that speaker's clips.</param>
public sealed record TrialConfig(TrainerKind Trainer, IReadOnlyDictionary<string, double> Parameters, bool SpeakerNormalization)
{
    /// <summary>A value, or <paramref name="fallback"/>.</summary>
    public double Get(string name, double fallback) => Parameters.TryGetValue(name, out var v) ? v : fallback;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Trainer}{(SpeakerNormalization ? "+spk-norm" : "")} {{{string.Join(", ", Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.ToString("G4", CultureInfo.InvariantCulture)}"))}}}";
}
