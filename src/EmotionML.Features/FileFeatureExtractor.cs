using EmotionML.Audio;

namespace EmotionML.Features;

/// <summary>
/// Decodes and pools many files in parallel (all cores by default). A file that cannot be read gets an
/// <see cref="FileFeatureResult.Error"/>; the others are still processed. Results keep the input order.
/// </summary>
public sealed class FileFeatureExtractor
{
    private readonly AudioDecoder _decoder;

    /// <summary>Creates a batch extractor.</summary>
    /// <param name="extractor">The feature extractor (shared by all threads).</param>
    /// <param name="decoder">The audio decoder; <c>null</c> for defaults.</param>
    public FileFeatureExtractor(SpeechFeatureExtractor extractor, AudioDecoder? decoder = null)
    {
        Extractor = extractor ?? throw new ArgumentNullException(nameof(extractor));
        _decoder = decoder ?? new AudioDecoder();
    }

    /// <summary>The feature extractor.</summary>
    public SpeechFeatureExtractor Extractor { get; }

    /// <summary>Extracts one file; errors become a result, not an exception.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public FileFeatureResult ExtractFile(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            // Decoded into a rented buffer: a clip of more than a second and a bit is a large-object-heap array, and
            // one per file made the GC collect its oldest generation every few dozen files.
            using var decoded = _decoder.DecodeRented(path, cancellationToken);
            var samples = decoded.Samples;
            int rate = decoded.SampleRate;
            if (samples.IsEmpty)
            {
                return new FileFeatureResult(path, null, rate, 0, "The file holds no samples.");
            }

            return new FileFeatureResult(path, Extractor.ExtractAtAnyRate(samples, rate), rate, (double)samples.Length / rate, null);
        }
        catch (AudioDecodeException ex)
        {
            return new FileFeatureResult(path, null, 0, 0, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new FileFeatureResult(path, null, 0, 0, ex.Message);
        }
    }

    /// <summary>Extracts many files in parallel; results are in input order.</summary>
    /// <param name="paths">The files.</param>
    /// <param name="threads">Worker threads; 0 or less for one per core.</param>
    /// <param name="progress">Receives the number of files finished so far.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public IReadOnlyList<FileFeatureResult> ExtractFiles(IReadOnlyList<string> paths, int threads = 0, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var results = new FileFeatureResult[paths.Count];
        int done = 0;
        if (threads == 1 || paths.Count == 1)
        {
            // One worker: this thread, in order (Parallel.For's machinery cost a few milliseconds of start-up).
            for (int i = 0; i < paths.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                results[i] = ExtractFile(paths[i], cancellationToken);
                progress?.Report(++done);
            }

            return results;
        }

        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, paths.Count, options, i =>
        {
            results[i] = ExtractFile(paths[i], cancellationToken);
            progress?.Report(Interlocked.Increment(ref done));
        });
        return results;
    }
}
