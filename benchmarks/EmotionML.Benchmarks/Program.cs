using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/EmotionML.Benchmarks -- --filter '*'
// dotnet run -c Release --project benchmarks/EmotionML.Benchmarks -- segments-memory 60
if (args.Length > 0 && args[0] == "segments-memory")
{
    EmotionML.Benchmarks.SegmentsMemory.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 60);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(EmotionML.Benchmarks.FeatureBenchmarks).Assembly).Run(args, new EmotionML.Benchmarks.BenchmarkConfig());
