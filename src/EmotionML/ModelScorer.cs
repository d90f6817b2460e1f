using EmotionML.Features;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace EmotionML;

/// <summary>Scores pooled feature vectors with a loaded ML.NET model: one probability-like score per label.</summary>
public static class ModelScorer
{
    /// <summary>The model's scores for each vector, in label order.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="model">The fitted pipeline.</param>
    /// <param name="schema">The feature schema.</param>
    /// <param name="features">The vectors.</param>
    /// <param name="anyLabel">A valid label, used only to fill the unused label column.</param>
    public static float[][] Score(MLContext ml, ITransformer model, FeatureSchema schema, IReadOnlyList<float[]> features, string anyLabel)
    {
        var view = FeatureDataView.Create(ml, schema, features, Enumerable.Repeat(anyLabel, features.Count).ToArray());
        var scored = model.Transform(view);
        return ml.Data.CreateEnumerable<ScoreRow>(scored, reuseRowObject: false).Select(r => r.Score).ToArray();
    }

    /// <summary>The index of the largest score.</summary>
    public static int ArgMax(IReadOnlyList<float> scores)
    {
        int best = 0;
        for (int i = 1; i < scores.Count; i++)
        {
            if (scores[i] > scores[best])
            {
                best = i;
            }
        }

        return best;
    }

    private sealed class ScoreRow
    {
        [ColumnName("Score")]
        public float[] Score { get; set; } = [];
    }
}
