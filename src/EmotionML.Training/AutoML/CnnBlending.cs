using System.Globalization;
using EmotionML.Training.Cnn;
using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;

namespace EmotionML.Training.AutoML;

/// <summary>
/// The CNN candidate and the blend: after the tree search, a CNN is trained on the training speakers minus a few
/// selection speakers (<see cref="CnnTrainer.SelectionSpeakers"/>); on those speakers' clips the tree winner's
/// out-of-fold probabilities and the CNN's probabilities are blended at weights 0, 0.1, …, 1, and the weight with
/// the best search metric wins (0: the tree alone, 1: the CNN alone; ties go to the lower log-loss). The blend's
/// temperature is fitted on the same clips. With <see cref="CnnTrainingOptions.Refit"/>, once the weight is chosen
/// the CNN is trained again, same recipe and seed, on all the training speakers (the selection speakers included),
/// and that CNN is the one blended and shipped at the chosen weight and temperature. With
/// <see cref="CnnTrainingOptions.CnnAloneOutOfDomain"/> (the default) the blend scores clips its domain check flags by
/// the CNN alone. No clip outside the training data given is used by any step.
/// </summary>
internal static class CnnBlending
{
    private static readonly double[] Weights = Enumerable.Range(0, 11).Select(i => i / 10.0).ToArray();

    public static (EmotionModel Model, CnnBlendResult Result) Apply(EmotionDataset data, TrialResult winner, EmotionModel tree, CnnTrainingOptions options, OptimizationMetric metric, IProgress<string>? log, CancellationToken cancellationToken)
    {
        var logMel = data.LogMel ?? throw new ArgumentException("CNN candidates need the clips' log-mel spectrograms: call EmotionDataset.WithLogMel first.", nameof(data));
        var speakers = data.Speakers.Distinct().Order(StringComparer.Ordinal).ToArray();
        var selection = CnnTrainer.SelectionSpeakers(speakers, options.SelectionSpeakers);
        if (selection.Count == 0)
        {
            throw new ArgumentException($"CNN candidates need at least three speakers (one to choose the blend on, two to train on); the data has {speakers.Length}.", nameof(data));
        }

        var train = speakers.Except(selection).ToArray();
        var excluded = logMel.Root.Items.Select(i => i.Speaker).Distinct().Except(speakers).ToArray();
        log?.Report($"CNN: training on {train.Length} speakers, choosing the blend on {string.Join(", ", selection)}");
        var trained = new CnnTrainer(options).Train(logMel, train, selection, excluded, log, cancellationToken);
        var cnn = trained.Model;
        try
        {
            var held = Enumerable.Range(0, data.Count).Where(i => selection.Contains(data.Items[i].Speaker)).ToArray();
            var truth = held.Select(i => data.LabelIndex[i]).ToArray();
            var treeP = held.Select(i => winner.OutOfFoldProbabilities[i]).ToArray();
            var cnnP = held.Select(i => cnn.Predict(logMel.Spectrograms[i], data.Labels)).ToArray();
            var scores = new Dictionary<string, double>();
            double bestScore = double.NegativeInfinity, bestLoss = double.PositiveInfinity, bestWeight = 0;
            foreach (double w in Weights)
            {
                var blended = Mix(treeP, cnnP, w);
                double score = ClassificationMetrics.Compute(data.Labels, truth, blended.Select(EmotionModel.ArgMax).ToArray()).Get(metric);
                double loss = CalibrationMetrics.NegativeLogLikelihood(blended, truth);
                scores[w.ToString("0.0", CultureInfo.InvariantCulture)] = Math.Round(score, 6);
                if (score > bestScore + 1e-12 || (Math.Abs(score - bestScore) <= 1e-12 && loss < bestLoss))
                {
                    (bestScore, bestLoss, bestWeight) = (score, loss, w);
                }
            }

            var result = new CnnBlendResult
            {
                Weight = bestWeight,
                SelectionSpeakers = selection,
                WeightScores = scores,
                Metric = metric,
                CnnFolder = trained.Folder,
                SelectionCnnFolder = trained.Folder,
                CnnReused = trained.Reused,
                CnnTrainingSeconds = trained.Model.Sidecar.Training?["seconds"]?.GetValue<double>(),
            };
            log?.Report($"CNN: {metric} on the selection speakers: tree {scores["0.0"]:F3}, CNN {scores["1.0"]:F3}, best weight {bestWeight:0.0} ({bestScore:F3})");
            var final = Mix(treeP, cnnP, bestWeight);
            var calibration = CalibrationMetrics.Fit(final, truth);
            if (options.Refit)
            {
                // The weight and temperature were chosen with a CNN that never saw the selection speakers; the CNN
                // that goes with them is trained on every training speaker (a fifth more voices in a nested fold).
                // Also when the trees won (weight 0): nested evaluation then scores this CNN on its own, so that
                // "the CNN" means the same recipe in every fold.
                log?.Report($"CNN: training again on all {speakers.Length} training speakers (refit)");
                var refit = new CnnTrainer(options).Train(logMel, speakers, [], excluded, log, cancellationToken);
                cnn.Dispose();
                cnn = refit.Model;
                result = result with
                {
                    Refit = true,
                    CnnFolder = refit.Folder,
                    CnnReused = refit.Reused,
                    CnnTrainingSeconds = refit.Model.Sidecar.Training?["seconds"]?.GetValue<double>(),
                };
            }

            if (bestWeight == 0)
            {
                cnn.Dispose();
                return (tree, result);
            }

            var blend = tree.WithCnn(cnn, bestWeight, calibration);
            tree.Dispose(); // its pipeline lives on in the blend; only its engine pool goes
            if (options.CnnAloneOutOfDomain && bestWeight < 1 && blend.Domain is not null)
            {
                var aware = blend.WithCnnAloneOutOfDomain(true);
                blend.Dispose(); // the CNN's ownership moved to the new model
                blend = aware;
            }

            return (blend, result);
        }
        catch
        {
            cnn.Dispose();
            throw;
        }
    }

    private static float[][] Mix(float[][] tree, float[][] cnn, double w) =>
        tree.Select((t, i) => t.Select((v, j) => (float)((1 - w) * v + w * cnn[i][j])).ToArray()).ToArray();
}

/// <summary>How the CNN candidate and the blend were chosen in an experiment.</summary>
public sealed record CnnBlendResult
{
    /// <summary>The CNN's chosen share (0: the tree model alone won; 1: the CNN alone).</summary>
    public double Weight { get; init; }

    /// <summary>The training speakers the CNN left out, on which the weight was chosen.</summary>
    public IReadOnlyList<string> SelectionSpeakers { get; init; } = [];

    /// <summary>The search metric at each weight on those speakers ("0.0" … "1.0").</summary>
    public IReadOnlyDictionary<string, double> WeightScores { get; init; } = new Dictionary<string, double>();

    /// <summary>The metric.</summary>
    public OptimizationMetric Metric { get; init; }

    /// <summary>The folder (model.onnx, model.json, model.pt) of the CNN that goes with the weight: the refitted one after a refit.</summary>
    public string CnnFolder { get; init; } = "";

    /// <summary>The folder of the CNN that left the selection speakers out, with which the weight was chosen.</summary>
    public string SelectionCnnFolder { get; init; } = "";

    /// <summary>
    /// Whether the CNN in <see cref="CnnFolder"/> was trained again on all training speakers after the weight was
    /// chosen (<see cref="CnnTrainingOptions.Refit"/>; also when the weight is 0 and the model holds no CNN).
    /// </summary>
    public bool Refit { get; init; }

    /// <summary>Whether the CNN in <see cref="CnnFolder"/> came from the trainer's cache.</summary>
    public bool CnnReused { get; init; }

    /// <summary>The training time of the CNN in <see cref="CnnFolder"/> as its trainer recorded it, seconds.</summary>
    public double? CnnTrainingSeconds { get; init; }
}
