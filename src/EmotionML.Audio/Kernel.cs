using System.Runtime.CompilerServices;

namespace EmotionML.Audio;

/// <summary>
/// How the hot analysis kernels (per-frame DSP loops here and in EmotionML.Features) are compiled. Where the JIT
/// compiles them (an app using the library, <c>dotnet run</c>), they carry
/// <see cref="MethodImplOptions.AggressiveOptimization"/>: optimised code at the first call, where tiering would
/// otherwise start them unoptimised (a 720-clip features run took 2.37 s instead of 0.75 s without it). In the
/// precompiled command-line tool (ReadyToRun; its library builds define <c>PRECOMPILED</c>, see Directory.Build.props
/// and EmotionML.Cli.csproj) they carry nothing: the attribute keeps a method out of the precompiled image, so every
/// process compiled them again (about 25 ms of its start-up); precompiled, they run at once and tiering recompiles the
/// hot ones (benchmarks/README.md, session 18).
/// </summary>
internal static class Kernel
{
    /// <summary>The kernels' <see cref="MethodImplAttribute"/> options.</summary>
#if PRECOMPILED
    public const MethodImplOptions Compile = default;
#else
    public const MethodImplOptions Compile = MethodImplOptions.AggressiveOptimization;
#endif
}
