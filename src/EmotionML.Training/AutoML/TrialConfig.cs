using System.Globalization;

namespace EmotionML.Training.AutoML;

/// <summary>A candidate pipeline: a trainer with its hyper-parameters, and whether (and how strongly shrunk) features are speaker-normalised.</summary>
/// <param name="Parameters">The trainer's typed hyper-parameters.</param>
/// <param name="SpeakerShrinkage">
/// Null: no speaker normalisation. Otherwise features are standardised per speaker with statistics shrunk toward
/// the training speakers' by this many pseudo-clips (τ, see <see cref="EmotionML.SpeakerNormalization"/>).
/// </param>
public sealed record TrialConfig(TrainerParameters Parameters, double? SpeakerShrinkage = null)
{
    /// <summary>The trainer.</summary>
    public TrainerKind Trainer => Parameters.Trainer;

    /// <summary>Whether features are normalised per speaker (the model then needs a speaker profile).</summary>
    public bool SpeakerNormalization => SpeakerShrinkage.HasValue;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Trainer}{(SpeakerShrinkage is { } tau ? string.Create(CultureInfo.InvariantCulture, $"+spk-norm(τ={tau:G3})") : "")} {{{Parameters}}}";
}
