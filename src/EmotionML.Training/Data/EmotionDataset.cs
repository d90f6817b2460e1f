using EmotionML.Features;
using EmotionML.Training.Corpora;

namespace EmotionML.Training.Data;

/// <summary>
/// A corpus with one pooled feature vector per item, in memory: what the experiment trains and validates on.
/// Items whose audio could not be read are listed in <see cref="Failed"/>, not dropped silently.
/// </summary>
public sealed class EmotionDataset
{
    internal EmotionDataset(Corpus corpus, FeatureSchema schema, IReadOnlyList<CorpusItem> items, float[][] features, IReadOnlyList<RejectedFile> failed, int extracted = 0, IReadOnlyList<string>? labels = null)
    {
        ExtractedCount = extracted;
        Corpus = corpus;
        Schema = schema;
        Items = items;
        Features = features;
        Failed = failed;
        Labels = labels ?? corpus.Labels.Labels.Where(l => items.Any(i => i.Label == l)).ToArray();
        LabelIndex = items.Select(i => IndexOf(Labels, i.Label)).ToArray();
    }

    /// <summary>The corpus the items came from.</summary>
    public Corpus Corpus { get; }

    /// <summary>The feature schema.</summary>
    public FeatureSchema Schema { get; }

    /// <summary>The items that have features.</summary>
    public IReadOnlyList<CorpusItem> Items { get; }

    /// <summary>One vector per item.</summary>
    public float[][] Features { get; }

    /// <summary>Items whose audio could not be decoded, with the reason.</summary>
    public IReadOnlyList<RejectedFile> Failed { get; }

    /// <summary>The labels present, in the corpus label set's order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Each item's index into <see cref="Labels"/>.</summary>
    public int[] LabelIndex { get; }

    /// <summary>How many items had to be extracted (the rest came from the cache).</summary>
    public int ExtractedCount { get; }

    /// <summary>Number of items.</summary>
    public int Count => Items.Count;

    /// <summary>
    /// Extracts (or loads from <paramref name="cache"/>) the features of every item, in parallel.
    /// </summary>
    /// <param name="corpus">The corpus.</param>
    /// <param name="extractor">The feature extractor.</param>
    /// <param name="cache">A feature cache, or null.</param>
    /// <param name="threads">Worker threads (0: one per core).</param>
    /// <param name="progress">Receives the number of items done.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public static EmotionDataset Build(Corpus corpus, SpeechFeatureExtractor extractor, FeatureCache? cache = null, int threads = 0, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        var files = new FileFeatureExtractor(extractor);
        var vectors = new float[corpus.Items.Count][];
        var errors = new string?[corpus.Items.Count];
        int done = 0, extracted = 0;
        Parallel.For(0, corpus.Items.Count, new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount, CancellationToken = cancellationToken }, i =>
        {
            var path = corpus.Items[i].Path;
            string? hash = null;
            if (cache is not null)
            {
                hash = FeatureCache.ContentHash(path);
                vectors[i] = cache.TryGet(hash, extractor.Schema)!;
            }

            if (vectors[i] is null)
            {
                var result = files.ExtractFile(path, cancellationToken);
                Interlocked.Increment(ref extracted);
                if (result.Vector is { } v)
                {
                    vectors[i] = v.Values;
                    if (cache is not null)
                    {
                        cache.Put(hash!, extractor.Schema, v.Values);
                    }
                }
                else
                {
                    errors[i] = result.Error;
                }
            }

            progress?.Report(Interlocked.Increment(ref done));
        });

        var items = new List<CorpusItem>();
        var features = new List<float[]>();
        var failed = new List<RejectedFile>();
        for (int i = 0; i < vectors.Length; i++)
        {
            if (vectors[i] is { } v)
            {
                items.Add(corpus.Items[i]);
                features.Add(v);
            }
            else
            {
                failed.Add(new RejectedFile(corpus.Items[i].Path, errors[i] ?? "no features"));
            }
        }

        return new EmotionDataset(corpus, extractor.Schema, items, features.ToArray(), failed, extracted);
    }

    /// <summary>Each item's log-mel spectrogram (aligned with <see cref="Items"/>) for CNN candidates, or null (see <see cref="WithLogMel"/>).</summary>
    public Cnn.LogMelCorpus? LogMel { get; private init; }

    /// <summary>This dataset with each item's log-mel spectrogram, so the experiment can train and blend a CNN.</summary>
    /// <param name="logMel">The corpus's spectrograms (every item of this dataset must have one).</param>
    public EmotionDataset WithLogMel(Cnn.LogMelCorpus logMel)
    {
        ArgumentNullException.ThrowIfNull(logMel);
        return new EmotionDataset(Corpus, Schema, Items, Features, Failed, ExtractedCount, Labels) { AugmentedFeatures = AugmentedFeatures, Augmentation = Augmentation, LogMel = logMel.AlignTo(Items) };
    }

    /// <summary>Augmented copies' features per item (empty until <see cref="WithAugmentation"/>); used for training folds only.</summary>
    public float[][][] AugmentedFeatures { get; private init; } = [];

    /// <summary>The augmentation in force, or null.</summary>
    public EmotionML.Training.Augmentation.AugmentationOptions? Augmentation { get; private init; }

    /// <summary>
    /// Returns this dataset with <see cref="Augmentation.AugmentationOptions.Copies"/> augmented copies of every
    /// clip (features cached like the originals). The experiment adds an item's copies to a training fold only
    /// when the item itself is in that fold's training part, so no copy of a held-out clip is ever trained on.
    /// </summary>
    public EmotionDataset WithAugmentation(EmotionML.Training.Augmentation.AugmentationOptions options, SpeechFeatureExtractor extractor, FeatureCache? cache = null, int seed = 0, int threads = 0, CancellationToken cancellationToken = default)
    {
        var decoder = new EmotionML.Audio.AudioDecoder();
        var augmented = new float[Count][][];
        Parallel.For(0, Count, new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount, CancellationToken = cancellationToken }, i =>
        {
            string contentHash = FeatureCache.ContentHash(Items[i].Path);
            var copies = new float[options.Copies][];
            EmotionML.Audio.AudioClip? clip = null;
            for (int c = 0; c < options.Copies; c++)
            {
                string key = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{contentHash}|{options.Describe()}|{seed}|{c}")));
                copies[c] = cache?.TryGet(key, Schema)!;
                if (copies[c] is null)
                {
                    clip ??= decoder.Decode(Items[i].Path, cancellationToken).ResampleTo(extractor.Options.SampleRate);
                    // Seeded from the key, so a copy is the same in every run and on every machine.
                    var samples = EmotionML.Training.Augmentation.AudioAugmenter.Augment(clip.Samples, clip.SampleRate, options, new Random(BitConverter.ToInt32(Convert.FromHexString(key[..8]))));
                    copies[c] = extractor.Extract(samples, clip.SampleRate).Values;
                    cache?.Put(key, Schema, copies[c]);
                }
            }

            augmented[i] = copies;
        });

        return new EmotionDataset(Corpus, Schema, Items, Features, Failed, ExtractedCount, Labels) { AugmentedFeatures = augmented, Augmentation = options, LogMel = LogMel };
    }

    /// <summary>
    /// The given items only (with their augmented copies), keeping this dataset's label order so that models
    /// trained on the subset score in the same label space (a nested evaluation's outer training speakers).
    /// </summary>
    /// <param name="indices">The items to keep.</param>
    public EmotionDataset Subset(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return new EmotionDataset(Corpus, Schema, indices.Select(i => Items[i]).ToArray(), indices.Select(i => Features[i]).ToArray(), Failed, 0, Labels)
        {
            AugmentedFeatures = AugmentedFeatures.Length == 0 ? [] : indices.Select(i => AugmentedFeatures[i]).ToArray(),
            Augmentation = Augmentation,
            LogMel = LogMel?.Select(indices),
        };
    }

    /// <summary>
    /// A dataset from an <see cref="Microsoft.ML.IDataView"/>: a float vector column, a string label column and a
    /// string group (speaker) column. The feature schema is rebuilt from the vector's slot names (or
    /// <c>f000…</c> when it has none) and is marked external: such a dataset trains and validates, but its
    /// bundle cannot be used by the engine unless the features came from <see cref="SpeechFeatureExtractor"/>.
    /// </summary>
    public static EmotionDataset FromDataView(Microsoft.ML.IDataView data, string featuresColumn = "Features", string labelColumn = "Label", string groupColumn = "Speaker")
    {
        ArgumentNullException.ThrowIfNull(data);
        var featureColumn = data.Schema[featuresColumn];
        if (featureColumn.Type is not Microsoft.ML.Data.VectorDataViewType { ItemType: Microsoft.ML.Data.NumberDataViewType } vector || vector.ItemType.RawType != typeof(float) || vector.Size == 0)
        {
            throw new ArgumentException($"Column '{featuresColumn}' must be a fixed-size vector of Single.", nameof(featuresColumn));
        }

        var names = new Microsoft.ML.Data.VBuffer<ReadOnlyMemory<char>>();
        var columns = featureColumn.Annotations.Schema.GetColumnOrNull("SlotNames") is not null ? GetSlotNames(featureColumn, ref names, vector.Size) : Enumerable.Range(0, vector.Size).Select(i => $"f{i:D3}").ToArray();
        var features = new List<float[]>();
        var items = new List<CorpusItem>();
        using (var cursor = data.GetRowCursor([featureColumn, data.Schema[labelColumn], data.Schema[groupColumn]]))
        {
            var getFeatures = cursor.GetGetter<Microsoft.ML.Data.VBuffer<float>>(featureColumn);
            var getLabel = cursor.GetGetter<ReadOnlyMemory<char>>(data.Schema[labelColumn]);
            var getGroup = cursor.GetGetter<ReadOnlyMemory<char>>(data.Schema[groupColumn]);
            var buffer = default(Microsoft.ML.Data.VBuffer<float>);
            ReadOnlyMemory<char> label = default, group = default;
            while (cursor.MoveNext())
            {
                getFeatures(ref buffer);
                getLabel(ref label);
                getGroup(ref group);
                features.Add(buffer.DenseValues().ToArray());
                items.Add(new CorpusItem($"row:{items.Count}", label.ToString(), group.ToString(), "dataview", new Dictionary<string, string>()));
            }
        }

        var labels = new LabelSet("dataview", items.Select(i => i.Label).Distinct().Order(StringComparer.Ordinal).ToArray());
        var schema = FeatureSchema.FromStored("external", 0, columns, "external");
        return new EmotionDataset(new Corpus("dataview", items, [], labels), schema, items, features.ToArray(), []);
    }

    private static string[] GetSlotNames(Microsoft.ML.DataViewSchema.Column column, ref Microsoft.ML.Data.VBuffer<ReadOnlyMemory<char>> names, int size)
    {
        column.Annotations.GetValue("SlotNames", ref names);
        var dense = names.DenseValues().Select(n => n.ToString()).ToArray();
        return dense.Length == size ? dense : Enumerable.Range(0, size).Select(i => $"f{i:D3}").ToArray();
    }

    /// <summary>Each item's speaker.</summary>
    public string[] Speakers => Items.Select(i => i.Speaker).ToArray();

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i] == label)
            {
                return i;
            }
        }

        return -1;
    }
}
