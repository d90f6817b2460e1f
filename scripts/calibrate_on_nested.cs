#:project ../src/EmotionML.Training
#:property PublishAot=false
#:property Nullable=enable
// Refits a trained bundle's temperature on its nested run's held-out predictions, as `emotionml train
// --calibrate-on nested` does at the end of a run (NestedCalibration: the temperature fitted on every held-out clip,
// its estimate cross-fitted over the outer folds), for a bundle trained before the option existed. artifacts/README.md
// (session 15) used it to calibrate the session-14 run that became the default.
//
//   dotnet run scripts/calibrate_on_nested.cs -- MODEL.emlmodel MODEL.report/nested-predictions.csv OUT.emlmodel [W1,W2,...]
//
// The raw (uncalibrated) held-out probabilities are the CSV's raw: columns; a CSV written before those existed gives
// them as each fold's blend of its tree: and cnn: columns at the CNN weights W1..Wk of its outer folds (the training
// log's "CNN weight" per outer fold). The check that they are right: their top labels must be the CSV's predictions.
using System.Globalization;
using EmotionML;
using EmotionML.Training.AutoML;

if (args.Length is not (3 or 4))
{
    Console.Error.WriteLine("usage: calibrate_on_nested.cs MODEL.emlmodel nested-predictions.csv OUT.emlmodel [fold CNN weights, comma-separated]");
    return 2;
}

var inv = CultureInfo.InvariantCulture;
var lines = File.ReadAllLines(args[1]);
var header = lines[0].Split(',');
var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
var bundle = ModelBundle.Load(args[0]);
var labels = bundle.Manifest.Labels;
int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"{args[1]} has no column {name}.");
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
    var weights = args.Length == 4 ? args[3].Split(',').Select(w => double.Parse(w, inv)).ToArray() : throw new InvalidDataException($"{args[1]} has no raw: columns: give each outer fold's CNN weight.");
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

var fit = NestedCalibration.Fit(raw, truth, fold) ?? throw new InvalidDataException("the CSV has fewer than two outer folds.");
using var model = EmotionModel.Load(bundle);
using var calibrated = model.WithCalibration(fit.Pooled, model.Domain);
var manifest = bundle.Manifest with
{
    Validation = bundle.Manifest.Validation with
    {
        Nested = bundle.Manifest.Validation.Nested is { } n ? n with { EceAfter = Math.Round(fit.Ece, 6), NllAfter = Math.Round(fit.Nll, 6) } : null,
    },
};
ModelBundle.Create(calibrated, manifest).Save(args[2]);
Console.WriteLine(string.Create(inv, $"{rows.Length} held-out clips ({agree} top labels as the CSV's), {fit.FoldTemperatures.Count} outer folds"));
Console.WriteLine(string.Create(inv, $"temperature {model.Calibration?.Temperature ?? 1:G6} -> {fit.Pooled.Temperature:G6} (fitted on all of them); per fold, fitted without it: {string.Join(", ", fit.FoldTemperatures.Values.Select(t => t.ToString("G4", inv)))}"));
Console.WriteLine(string.Create(inv, $"nested ECE: raw {CalibrationEce(raw)}; cross-fitted {fit.Ece:F4} (NLL {fit.Nll:F4})"));
Console.WriteLine($"wrote {Path.GetFullPath(args[2])}");
return 0;

string CalibrationEce(float[][] p) => EmotionML.Training.Evaluation.CalibrationMetrics.ExpectedCalibrationError(p, truth).ToString("F4", inv);
