namespace EmotionML.Training.Corpora;

/// <summary>Corpus layouts the readers understand.</summary>
public enum CorpusFormat
{
    /// <summary>RAVDESS: <c>03-01-EE-II-SS-RR-AA.wav</c>.</summary>
    Ravdess,
    /// <summary>TESS: <c>OAF_back_angry.wav</c>.</summary>
    Tess,
    /// <summary>CREMA-D: <c>1001_DFA_ANG_XX.wav</c>.</summary>
    CremaD,
    /// <summary>SAVEE: <c>DC_a01.wav</c> or <c>DC/a01.wav</c>.</summary>
    Savee,
    /// <summary>Berlin EmoDB: <c>03a01Fa.wav</c>.</summary>
    EmoDb,
    /// <summary>One folder per label: <c>root/angry/*.wav</c> (no speaker information).</summary>
    Folders,
    /// <summary>A CSV manifest with columns path, label and speaker.</summary>
    Csv,
}
