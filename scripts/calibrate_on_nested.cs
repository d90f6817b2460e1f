#:project ../src/EmotionML.Training
#:property PublishAot=false
#:property Nullable=enable
// Brings a bundle trained before two options existed to what `emotionml train` now ships, from its nested run's
// per-clip predictions (artifacts/README.md, session 15, made the default this way from the session-14 run):
//
//   dotnet run scripts/calibrate_on_nested.cs -- MODEL.emlmodel MODEL.report/nested-predictions.csv OUT.emlmodel \
//       [W1,W2,...] [--cnn-alone-out-of-domain CORPUS_DIR CORPUS_FORMAT]
//
// - The temperature is fitted on the nested held-out predictions (NestedCalibration: every clip, estimate
//   cross-fitted over the outer folds), as `train --calibrate-on nested` does.
// - With --cnn-alone-out-of-domain, held-out clips that their outer fold's domain check flags are scored by that
//   fold's CNN alone, and the bundle does the same for the clips it flags (EmotionModel.CnnAloneOutOfDomain, as
//   `train --cnn-out-of-domain cnn` does). Each fold's domain check is recomputed from the corpus's features exactly
//   as a nested run with default settings fits it (the domain model depends only on the features and the inner folds:
//   5 balanced speaker folds, seed 0); its share of passed clips must equal the one the run recorded.
//
// The raw (uncalibrated) held-out probabilities are the CSV's raw: columns; a CSV written before those existed gives
// them as each fold's blend of its tree: and cnn: columns at the CNN weights W1..Wk of its outer folds (the training
// log's "CNN weight" per outer fold). The check that they are right: their top labels must be the CSV's predictions.
using System.Globalization;
using EmotionML;
using EmotionML.Features;
using EmotionML.Training.AutoML;
using EmotionML.Training.Corpora;
using EmotionML.Training.Data;
using EmotionML.Training.Evaluation;

var inv = CultureInfo.InvariantCulture;
var positional = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
int flag = Array.IndexOf(args, "--cnn-alone-out-of-domain");
if (positional.Length is not (3 or 4) || (flag >= 0 && flag + 2 >= args.Length))
{
    Console.Error.WriteLine("usage: calibrate_on_nested.cs MODEL.emlmodel nested-predictions.csv OUT.emlmodel [fold CNN weights] [--cnn-alone-out-of-domain CORPUS_DIR CORPUS_FORMAT]");
    return 2;
}

var lines = File.ReadAllLines(positional[1]);
var header = lines[0].Split(',');
var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
var bundle = ModelBundle.Load(positional[0]);
var labels = bundle.Manifest.Labels;
int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"{positional[1]} has no column {name}.");
float[] Read(string[] row, string prefix) => labels.Select(l => float.Parse(row[Column(prefix + l)], inv)).ToArray();
var fold = rows.Select(r => int.Parse(r[Column("fold")], inv) - 1).ToArray();
var truth = rows.Select(r => labels.ToList().IndexOf(r[Column("label")])).ToArray();
float[][] raw;
if (header.Contains("raw:" + labels[0]))
{
    raw = rows.Select(r => Read(r, "raw:")).ToArray();
}
else
{
    var weights = positional.Length == 4 ? positional[3].Split(',').Select(w => double.Parse(w, inv)).ToArray() : throw new InvalidDataException($"{positional[1]} has no raw: columns: give each outer fold's CNN weight.");
    raw = rows.Select((r, i) =>
    {
        float[] tree = Read(r, "tree:"), cnn = Read(r, "cnn:");
        double w = weights[fold[i]];
        return tree.Select((t, j) => (float)((1 - w) * t + w * cnn[j])).ToArray();
    }).ToArray();
}

int agree = rows.Where((r, i) => labels[EmotionModel.ArgMax(raw[i])] == r[Column("predicted")]).Count();
if (agree < rows.Length * 0.995)
{
    Console.Error.WriteLine($"the raw probabilities' top labels match the CSV's predictions on only {agree} of {rows.Length} clips: wrong weights?");
    return 1;
}

Console.WriteLine(string.Create(inv, $"{rows.Length} held-out clips ({agree} top labels as the CSV's), {fold.Distinct().Count()} outer folds"));
var nestedSummary = bundle.Manifest.Validation.Nested;
void Report(string name, float[][] p)
{
    var m = ClassificationMetrics.Compute(labels, truth, p.Select(EmotionModel.ArgMax).ToArray());
    Console.WriteLine(string.Create(inv, $"{name}: accuracy {m.Accuracy:F4}, macro-F1 {m.MacroF1:F4}, ECE raw {CalibrationMetrics.ExpectedCalibrationError(p, truth):F4}"));
}
Report("as run", raw);
bool cnnAlone = flag >= 0;
if (cnnAlone)
{
    var corpus = CorpusReader.Read(args[flag + 1], Enum.Parse<CorpusFormat>(args[flag + 2], ignoreCase: true));
    var data = EmotionDataset.Build(corpus, new SpeechFeatureExtractor(), new FeatureCache(FeatureCache.DefaultDirectory));
    var indexOf = Enumerable.Range(0, data.Count).ToDictionary(i => Path.GetRelativePath(Path.GetFullPath(args[flag + 1]), Path.GetFullPath(data.Items[i].Path)).Replace('\\', '/'));
    var flagged = new bool[rows.Length];
    for (int k = 0; k < fold.Max() + 1; k++)
    {
        var held = Enumerable.Range(0, rows.Length).Where(j => fold[j] == k).ToArray();
        var heldItems = held.Select(j => indexOf[rows[j][0]]).ToHashSet();
        var subset = data.Subset(Enumerable.Range(0, data.Count).Where(i => !heldItems.Contains(i)).ToArray());
        var inner = SpeakerGroupedFolds.Balanced(subset.Speakers, Math.Min(5, subset.Speakers.Distinct().Count()), 0);
        var domain = DomainCheck.Fit(subset, inner, Enumerable.Range(0, subset.Count).ToArray());
        foreach (int j in held)
        {
            flagged[j] = !domain.IsInDomain(domain.Distance(data.Features[indexOf[rows[j][0]]]));
        }
    }

    double share = 1 - flagged.Count(f => f) / (double)rows.Length;
    Console.WriteLine(string.Create(inv, $"domain checks recomputed: {share:P1} of held-out clips pass ({flagged.Count(f => f)} flagged); the run recorded {nestedSummary?.InDomainShare:P1}"));
    if (nestedSummary?.InDomainShare is not { } recorded || Math.Abs(recorded - share) > 1e-6)
    {
        Console.Error.WriteLine("the recomputed domain checks do not reproduce the run's: not the default nested settings?");
        return 1;
    }

    raw = raw.Select((p, j) => flagged[j] ? Read(rows[j], "cnn:") : p).ToArray();
    Report("the CNN alone when flagged", raw);
}

var fit = NestedCalibration.Fit(raw, truth, fold) ?? throw new InvalidDataException("the CSV has fewer than two outer folds.");
var predicted = raw.Select(EmotionModel.ArgMax).ToArray();
var pooled = ClassificationMetrics.Compute(labels, truth, predicted);
var perFold = Enumerable.Range(0, fold.Max() + 1).Select(k =>
{
    var idx = Enumerable.Range(0, rows.Length).Where(j => fold[j] == k).ToArray();
    return ClassificationMetrics.Compute(labels, idx.Select(j => truth[j]).ToArray(), idx.Select(j => predicted[j]).ToArray());
}).ToArray();
(double Mean, double Std) Summary(Func<ClassificationMetrics, double> metric)
{
    var values = perFold.Select(metric).ToArray();
    double mean = values.Average();
    return (Math.Round(mean, 6), Math.Round(Math.Sqrt(values.Average(v => (v - mean) * (v - mean))), 6));
}

using var model = EmotionModel.Load(bundle);
using var recalibrated = model.WithCalibration(fit.Pooled, model.Domain);
using var shipped = recalibrated.WithCnnAloneOutOfDomain(cnnAlone);
var (accuracyMean, accuracyStd) = Summary(m => m.Accuracy);
var (f1Mean, f1Std) = Summary(m => m.MacroF1);
var manifest = bundle.Manifest with
{
    Validation = bundle.Manifest.Validation with
    {
        Nested = nestedSummary is { } n ? n with
        {
            Accuracy = Math.Round(pooled.Accuracy, 6),
            MacroF1 = Math.Round(pooled.MacroF1, 6),
            AccuracyFoldMean = accuracyMean,
            AccuracyFoldStd = accuracyStd,
            MacroF1FoldMean = f1Mean,
            MacroF1FoldStd = f1Std,
            EceBefore = Math.Round(CalibrationMetrics.ExpectedCalibrationError(raw, truth), 6),
            EceAfter = Math.Round(fit.Ece, 6),
            NllBefore = Math.Round(CalibrationMetrics.NegativeLogLikelihood(raw, truth), 6),
            NllAfter = Math.Round(fit.Nll, 6),
        } : null,
    },
};
ModelBundle.Create(shipped, manifest).Save(positional[2]);
Console.WriteLine(string.Create(inv, $"temperature {model.Calibration?.Temperature ?? 1:G6} -> {fit.Pooled.Temperature:G6} (fitted on all of them); per fold, fitted without it: {string.Join(", ", fit.FoldTemperatures.Values.Select(t => t.ToString("G4", inv)))}"));
Console.WriteLine(string.Create(inv, $"nested: accuracy {pooled.Accuracy:F4}, macro-F1 {pooled.MacroF1:F4} (per fold {accuracyMean:F3} ± {accuracyStd:F3}); ECE raw {CalibrationMetrics.ExpectedCalibrationError(raw, truth):F4} -> cross-fitted {fit.Ece:F4} (NLL {fit.Nll:F4})"));
Console.WriteLine($"wrote {Path.GetFullPath(positional[2])}{(cnnAlone ? " (the CNN alone for clips the domain check flags)" : "")}");
return 0;
