using System.Runtime.Intrinsics;

namespace EmotionML.Features;

/// <summary>
/// Whether this machine runs <see cref="Vector512{T}"/> in hardware, read once. Hot methods test this field rather
/// than <see cref="Vector512.IsHardwareAccelerated"/> itself and keep their 512-bit loops in methods of their own:
/// the tool is precompiled (ReadyToRun) for AVX2, and a precompiled method that asks about AVX-512 is discarded and
/// compiled again at start-up on a machine that has it; this way only the 512-bit loops are.
/// </summary>
internal static class WideVectors
{
    /// <summary><see cref="Vector512.IsHardwareAccelerated"/>.</summary>
    public static readonly bool Accelerated = Vector512.IsHardwareAccelerated;
}
