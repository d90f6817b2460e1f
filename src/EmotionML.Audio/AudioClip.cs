namespace EmotionML.Audio;

/// <summary>Decoded audio: mono float samples (nominally in [-1, 1]) at a sample rate.</summary>
public sealed class AudioClip
{
    /// <summary>Creates a clip.</summary>
    /// <param name="samples">Mono samples; the clip keeps this array.</param>
    /// <param name="sampleRate">Samples per second.</param>
    /// <param name="sourceChannels">Channels in the source before they were averaged to mono.</param>
    /// <param name="format">The source format.</param>
    /// <param name="isTruncated">Whether the source ended before its header said it would.</param>
    public AudioClip(float[] samples, int sampleRate, int sourceChannels = 1, AudioFormat format = AudioFormat.Unknown, bool isTruncated = false)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        Samples = samples;
        SampleRate = sampleRate;
        SourceChannels = sourceChannels;
        Format = format;
        IsTruncated = isTruncated;
    }

    /// <summary>Mono samples.</summary>
    public float[] Samples { get; }

    /// <summary>Samples per second.</summary>
    public int SampleRate { get; }

    /// <summary>Channels in the source (all were averaged into <see cref="Samples"/>).</summary>
    public int SourceChannels { get; }

    /// <summary>The format the clip was decoded from.</summary>
    public AudioFormat Format { get; }

    /// <summary>True when the source ended early and <see cref="AudioDecoderOptions.AllowTruncated"/> let it through.</summary>
    public bool IsTruncated { get; }

    /// <summary>Length of the clip.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);

    /// <summary>Returns this clip resampled to <paramref name="targetRate"/> (this clip itself when the rate already matches).</summary>
    /// <param name="targetRate">The sample rate wanted.</param>
    /// <param name="quality">The resampling filter.</param>
    public AudioClip ResampleTo(int targetRate, ResamplerQuality quality = ResamplerQuality.High)
    {
        if (targetRate == SampleRate)
        {
            return this;
        }

        var resampler = PolyphaseResampler.Create(SampleRate, targetRate, quality);
        return new AudioClip(resampler.Resample(Samples), targetRate, SourceChannels, Format, IsTruncated);
    }
}
