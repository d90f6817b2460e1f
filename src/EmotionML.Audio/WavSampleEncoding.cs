namespace EmotionML.Audio;

/// <summary>How one WAV sample is stored.</summary>
internal enum WavSampleEncoding
{
    Pcm8,
    Pcm16,
    Pcm24,
    Pcm32,
    Float32,
    Float64,
    ALaw,
    MuLaw,
}
