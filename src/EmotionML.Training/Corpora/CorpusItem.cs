namespace EmotionML.Training.Corpora;

/// <summary>One labelled recording of a corpus.</summary>
/// <param name="Path">The audio file.</param>
/// <param name="Label">The corpus' own label (e.g. RAVDESS "calm", EmoDB "boredom").</param>
/// <param name="Speaker">A speaker id, unique across corpora (e.g. "ravdess:01").</param>
/// <param name="Corpus">The corpus name ("ravdess", "emodb", ...).</param>
/// <param name="Metadata">What the file name encodes besides label and speaker (intensity, statement, sentence, sex...).</param>
public sealed record CorpusItem(string Path, string Label, string Speaker, string Corpus, IReadOnlyDictionary<string, string> Metadata);
