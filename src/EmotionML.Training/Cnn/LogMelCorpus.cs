using System.Text.Json;
using EmotionML.Audio;
using EmotionML.Features;
using EmotionML.Training.Corpora;

namespace EmotionML.Training.Cnn;

/// <summary>
/// A corpus as log-mel spectrograms, one per readable clip, with labels and speakers: what the CNN is trained on
/// (saved as <c>.npz</c> for the Python trainer) and what held-out clips are scored with. Computed by
/// <see cref="LogMelExtractor"/>, the code the engine runs at prediction time.
/// </summary>
public sealed class LogMelCorpus
{
    private LogMelCorpus(LogMelFeatureOptions options, IReadOnlyList<CorpusItem> items, LogMelSpectrogram[] spectrograms, IReadOnlyList<string> labels, IReadOnlyList<RejectedFile> failed, LogMelCorpus? root = null)
    {
        Root = root ?? this;
        Options = options;
        Items = items;
        Spectrograms = spectrograms;
        Labels = labels;
        LabelIndex = items.Select(i => labels.ToList().IndexOf(i.Label)).ToArray();
        Failed = failed;
    }

    /// <summary>The log-mel settings.</summary>
    public LogMelFeatureOptions Options { get; }

    /// <summary>
    /// The whole corpus this one was selected from (itself when it was built): the CNN trainer always exports the
    /// whole corpus and names the speakers it may train on, so every fold shares one export.
    /// </summary>
    public LogMelCorpus Root { get; }

    /// <summary>The readable items.</summary>
    public IReadOnlyList<CorpusItem> Items { get; }

    /// <summary>One spectrogram per item.</summary>
    public IReadOnlyList<LogMelSpectrogram> Spectrograms { get; }

    /// <summary>The labels present, in the corpus label set's order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Each item's index into <see cref="Labels"/>.</summary>
    public int[] LabelIndex { get; }

    /// <summary>Clips that could not be decoded, with the reason.</summary>
    public IReadOnlyList<RejectedFile> Failed { get; }

    /// <summary>Computes every clip's log-mel spectrogram, in parallel.</summary>
    /// <param name="corpus">The corpus.</param>
    /// <param name="options">The log-mel settings; <c>null</c> for the defaults.</param>
    /// <param name="threads">Worker threads (0: one per core).</param>
    /// <param name="progress">Receives the number of clips done.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public static LogMelCorpus Build(Corpus corpus, LogMelFeatureOptions? options = null, int threads = 0, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var extractor = new LogMelExtractor(options);
        var decoder = new AudioDecoder();
        var result = new LogMelSpectrogram?[corpus.Items.Count];
        var errors = new string?[corpus.Items.Count];
        int done = 0;
        Parallel.For(0, corpus.Items.Count, new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount, CancellationToken = cancellationToken }, i =>
        {
            try
            {
                var clip = decoder.Decode(corpus.Items[i].Path);
                result[i] = clip.Samples.Length == 0 ? null : extractor.Extract(clip);
                errors[i] = result[i] is null ? "the clip has no samples" : null;
            }
            catch (AudioDecodeException ex)
            {
                errors[i] = ex.Message;
            }

            progress?.Report(Interlocked.Increment(ref done));
        });
        var keep = Enumerable.Range(0, result.Length).Where(i => result[i] is not null).ToArray();
        var items = keep.Select(i => corpus.Items[i]).ToArray();
        var failed = Enumerable.Range(0, result.Length).Where(i => result[i] is null).Select(i => new RejectedFile(corpus.Items[i].Path, errors[i]!)).ToArray();
        var labels = corpus.Labels.Labels.Where(l => items.Any(x => x.Label == l)).ToArray();
        if (items.Length == 0)
        {
            throw new ArgumentException("No clip of the corpus could be decoded.", nameof(corpus));
        }

        return new LogMelCorpus(extractor.Options, items, keep.Select(i => result[i]!).ToArray(), labels, failed);
    }

    /// <summary>The given items (same labels, same root).</summary>
    /// <param name="indices">Indices into <see cref="Items"/>.</param>
    public LogMelCorpus Select(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return new LogMelCorpus(Options, indices.Select(i => Items[i]).ToArray(), indices.Select(i => (LogMelSpectrogram)Spectrograms[i]).ToArray(), Labels, Failed, Root);
    }

    /// <summary>This corpus in the order of <paramref name="items"/> (matched by path), e.g. a feature dataset's.</summary>
    /// <param name="items">Items that must all be in this corpus.</param>
    /// <exception cref="ArgumentException">An item has no spectrogram here.</exception>
    public LogMelCorpus AlignTo(IReadOnlyList<CorpusItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Items.Count; i++)
        {
            index.TryAdd(Items[i].Path, i);
        }

        return Select(items.Select(it => index.TryGetValue(it.Path, out int i) ? i : throw new ArgumentException($"'{it.Path}' has no log-mel spectrogram (it could not be decoded, or is not in this corpus).", nameof(items))).ToArray());
    }

    /// <summary>SHA-256 (hex) of the settings, every item's path (relative to the corpus folder), speaker and label, and every spectrogram value.</summary>
    public string ContentHash()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(ConfigJson(Options)));
        var paths = RelativePaths();
        for (int i = 0; i < Items.Count; i++)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"\n{paths[i]}\n{Items[i].Speaker}\n{Items[i].Label}\n"));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Spectrograms[i].Data.AsSpan()));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Writes the <c>.npz</c> the Python trainer reads (atomically): <c>logmel</c> [total frames, bands] (each clip's
    /// frames in a row block, time-major), <c>offsets</c> [clips + 1], <c>labels</c>, <c>label_names</c>,
    /// <c>speakers</c>, <c>paths</c> (relative to the corpus folder) and <c>config</c> (the log-mel settings and fingerprint, JSON).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="halfPrecision">float16 (half the size; default) or float32 values.</param>
    public void Save(string path, bool halfPrecision = true) => AtomicFile.Write(path, s => Save(s, halfPrecision));

    /// <summary>Writes the <c>.npz</c> to a stream.</summary>
    /// <param name="stream">The destination.</param>
    /// <param name="halfPrecision">float16 or float32 values.</param>
    public void Save(Stream stream, bool halfPrecision = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        int bands = Options.MelBands;
        long total = Spectrograms.Sum(s => (long)s.Frames);
        if (total * bands > Array.MaxLength)
        {
            throw new InvalidOperationException($"The corpus has {total} frames: too many for one export; export it in parts.");
        }

        var data = new float[total * bands];
        var offsets = new long[Spectrograms.Count + 1];
        long row = 0;
        for (int c = 0; c < Spectrograms.Count; c++)
        {
            var s = Spectrograms[c];
            offsets[c] = row;
            for (int t = 0; t < s.Frames; t++)
            {
                for (int b = 0; b < bands; b++)
                {
                    data[(row + t) * bands + b] = s[b, t];
                }
            }

            row += s.Frames;
        }

        offsets[^1] = row;
        using var npz = new NpzWriter(stream);
        if (halfPrecision)
        {
            npz.WriteHalf("logmel", data, (int)total, bands);
        }
        else
        {
            npz.WriteSingle("logmel", data, (int)total, bands);
        }

        npz.WriteInt64("offsets", offsets);
        npz.WriteInt32("labels", LabelIndex);
        npz.WriteStrings("label_names", Labels);
        npz.WriteStrings("speakers", Items.Select(i => i.Speaker).ToArray());
        npz.WriteStrings("paths", RelativePaths());
        npz.WriteStrings("config", [ConfigJson(Options)]);
    }

    /// <summary>
    /// Items' paths relative to the deepest folder holding them all, with '/' separators: the export and its hash do
    /// not depend on where the corpus lies, so a cached CNN is found again from another checkout.
    /// </summary>
    private string[] RelativePaths()
    {
        string common = Corpus.CommonFolder(Root.Items.Select(i => i.Path));
        return Items.Select(i => Corpus.RelativePath(common, i.Path)).ToArray();
    }

    /// <summary>The log-mel settings as the sidecar and the export record them.</summary>
    internal static string ConfigJson(LogMelFeatureOptions options) => JsonSerializer.Serialize(new
    {
        options.SampleRate,
        options.FftSize,
        options.WindowLength,
        options.HopLength,
        options.MelBands,
        options.TopDb,
        options.Fingerprint,
    }, EmotionML.ModelBundle.Json);
}
