using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/EmotionML.Benchmarks -- --filter '*'
// dotnet run -c Release --project benchmarks/EmotionML.Benchmarks -- segments-memory 60 [model]
// dotnet run -c Release --project benchmarks/EmotionML.Benchmarks -- tree-bundle trees.emlmodel
// dotnet run -c Release --project benchmarks/EmotionML.Benchmarks -- onnx-floor [crops]
// taskset -c 0 dotnet run -c Release --project benchmarks/EmotionML.Benchmarks -- predict-ratio [rounds]
// dotnet run -c Release --project benchmarks/EmotionML.Benchmarks -- load-check 1000 16 [url]
if (args.Length > 0 && args[0] == "load-check")
{
    await EmotionML.Benchmarks.LoadCheck.RunAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 16,
        args.Length > 3 ? args[3] : null);
    return;
}

if (args.Length > 0 && args[0] == "segments-memory")
{
    EmotionML.Benchmarks.SegmentsMemory.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 60, args.Length > 2 ? args[2] : null);
    return;
}

if (args.Length > 0 && args[0] == "onnx-floor")
{
    EmotionML.Benchmarks.OnnxFloor.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300);
    return;
}

if (args.Length > 0 && args[0] == "predict-ratio")
{
    EmotionML.Benchmarks.PredictRatio.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 60);
    return;
}

if (args.Length > 1 && args[0] == "tree-bundle")
{
    // The default model's tree part as a bundle of its own (for segments-memory without ONNX Runtime in the process).
    using var trees = EmotionML.Benchmarks.PredictBenchmarks.TreeEngine();
    trees.Bundle.Save(args[1]);
    Console.WriteLine($"{args[1]}: the default model's tree part");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(EmotionML.Benchmarks.FeatureBenchmarks).Assembly).Run(args, new EmotionML.Benchmarks.BenchmarkConfig());
