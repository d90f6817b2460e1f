namespace EmotionML.Features;

/// <summary>One frame-level feature as it appears in the pooled vector: a column prefix and a row count.</summary>
internal readonly record struct FeatureBlock(string Prefix, int Rows, FeatureKinds Kind)
{
    public static FeatureBlock[] For(FeatureOptions o) =>
    [
        new("mfcc", o.MfccCount, FeatureKinds.Mfcc),
        new("dmfcc", o.MfccCount, FeatureKinds.DeltaMfcc),
        new("chroma", o.Chroma.BinCount, FeatureKinds.Chroma),
        new("contrast", o.Contrast.BandCount + 1, FeatureKinds.Contrast),
        new("mel", o.MelBandCount, FeatureKinds.Mel),
        new("zcr", 1, FeatureKinds.ZeroCrossingRate),
        new("rolloff", 1, FeatureKinds.Rolloff),
        new("centroid", 1, FeatureKinds.Centroid),
        new("rms", 1, FeatureKinds.Rms),
        new("bandwidth", 1, FeatureKinds.Bandwidth),
        new("flatness", 1, FeatureKinds.Flatness),
        new("f0", 1, FeatureKinds.Pitch),
    ];

    public string ColumnName(int row, string suffix)
    {
        if (Rows == 1)
        {
            return $"{Prefix}_{suffix}";
        }

        int digits = Math.Max(2, (Rows - 1).ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        return $"{Prefix}{row.ToString("D" + digits, System.Globalization.CultureInfo.InvariantCulture)}_{suffix}";
    }

    public FeatureMatrix? Select(FrameFeatures f) => Kind switch
    {
        FeatureKinds.Mfcc => f.Mfcc,
        FeatureKinds.DeltaMfcc => f.DeltaMfcc,
        FeatureKinds.Chroma => f.Chroma,
        FeatureKinds.Contrast => f.Contrast,
        FeatureKinds.Mel => f.Mel,
        FeatureKinds.ZeroCrossingRate => f.ZeroCrossingRate,
        FeatureKinds.Rolloff => f.Rolloff,
        FeatureKinds.Centroid => f.Centroid,
        FeatureKinds.Rms => f.Rms,
        FeatureKinds.Bandwidth => f.Bandwidth,
        FeatureKinds.Flatness => f.Flatness,
        FeatureKinds.Pitch => f.F0,
        _ => null,
    };
}
