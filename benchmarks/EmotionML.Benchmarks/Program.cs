using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/EmotionML.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(EmotionML.Benchmarks.FeatureBenchmarks).Assembly).Run(args, new EmotionML.Benchmarks.BenchmarkConfig());
