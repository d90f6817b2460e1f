using System.Buffers.Binary;

namespace EmotionML.Audio;

/// <summary>The parsed and validated contents of a WAV fmt chunk.</summary>
internal readonly record struct WavFormat(WavSampleEncoding Encoding, int Channels, int SampleRate, int BytesPerSample)
{
    private const ushort TagPcm = 1;
    private const ushort TagFloat = 3;
    private const ushort TagALaw = 6;
    private const ushort TagMuLaw = 7;
    private const ushort TagExtensible = 0xFFFE;

    // The 14 bytes that follow the format tag in every KSDATAFORMAT_SUBTYPE GUID (…-0000-0010-8000-00AA00389B71).
    private static ReadOnlySpan<byte> SubtypeSuffix => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    public static WavFormat Parse(ReadOnlySpan<byte> fmt, AudioDecoderOptions options)
    {
        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);

        if (tag == TagExtensible)
        {
            if (fmt.Length < 40 || BinaryPrimitives.ReadUInt16LittleEndian(fmt[16..]) < 22)
            {
                throw WavAudioReader.Error(AudioErrorKind.InvalidHeader, "The WAVE_FORMAT_EXTENSIBLE fmt chunk is shorter than 40 bytes.");
            }

            var guid = fmt[24..40];
            if (!guid[2..].SequenceEqual(SubtypeSuffix))
            {
                throw WavAudioReader.Error(AudioErrorKind.UnsupportedEncoding, "The WAVE_FORMAT_EXTENSIBLE sub-format is not a standard audio sub-type.");
            }

            tag = BinaryPrimitives.ReadUInt16LittleEndian(guid);
        }

        if (channels == 0)
        {
            throw WavAudioReader.Error(AudioErrorKind.InvalidHeader, "The WAV header declares zero channels.");
        }

        if (channels > options.MaxChannels)
        {
            throw WavAudioReader.Error(AudioErrorKind.InvalidHeader, $"The WAV header declares {channels} channels; at most {options.MaxChannels} are accepted.");
        }

        if (rate < options.MinSampleRate || rate > options.MaxSampleRate)
        {
            throw WavAudioReader.Error(AudioErrorKind.InvalidHeader, $"The WAV header declares a sample rate of {rate} Hz; {options.MinSampleRate} to {options.MaxSampleRate} Hz are accepted.");
        }

        WavSampleEncoding encoding = (tag, bits) switch
        {
            (TagPcm, 8) => WavSampleEncoding.Pcm8,
            (TagPcm, 16) => WavSampleEncoding.Pcm16,
            (TagPcm, 24) => WavSampleEncoding.Pcm24,
            (TagPcm, 32) => WavSampleEncoding.Pcm32,
            (TagFloat, 32) => WavSampleEncoding.Float32,
            (TagFloat, 64) => WavSampleEncoding.Float64,
            (TagALaw, 8) => WavSampleEncoding.ALaw,
            (TagMuLaw, 8) => WavSampleEncoding.MuLaw,
            (TagPcm or TagFloat or TagALaw or TagMuLaw, _) => throw WavAudioReader.Error(AudioErrorKind.InvalidHeader, $"The WAV header declares {bits} bits per sample, which is invalid for format 0x{tag:X4}."),
            _ => throw WavAudioReader.Error(AudioErrorKind.UnsupportedEncoding, $"WAV encoding 0x{tag:X4} is not supported (PCM, IEEE float, A-law and µ-law are); convert the file to PCM."),
        };

        int bytesPerSample = bits / 8;
        if (blockAlign != channels * bytesPerSample)
        {
            throw WavAudioReader.Error(AudioErrorKind.InvalidHeader, $"The WAV block alignment is {blockAlign} bytes, but {channels} channels of {bits}-bit samples need {channels * bytesPerSample}.");
        }

        return new WavFormat(encoding, channels, (int)rate, bytesPerSample);
    }
}
