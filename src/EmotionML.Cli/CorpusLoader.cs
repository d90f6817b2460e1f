using EmotionML.Features;
using EmotionML.Training.Corpora;
using EmotionML.Training.Data;
using Spectre.Console;

namespace EmotionML.Cli;

/// <summary>Reads a corpus and its features as the settings say, reporting rejected and unreadable files.</summary>
internal static class CorpusLoader
{
    public static (Corpus Corpus, EmotionDataset Data) Load(CorpusSettings settings, FeatureOptions features, CancellationToken cancellationToken)
    {
        var err = ConsoleOutput.Errors;
        var corpus = Read(settings);
        var cache = settings.NoCache ? null : new FeatureCache(settings.Cache ?? FeatureCache.DefaultDirectory);
        var extractor = new SpeechFeatureExtractor(features);
        var data = ConsoleOutput.WithProgress($"Extracting features ({corpus.Items.Count} clips)", corpus.Items.Count,
            progress => EmotionDataset.Build(corpus, extractor, cache, settings.Threads, progress, cancellationToken));
        foreach (var failed in data.Failed)
        {
            err.MarkupLineInterpolated($"[red]unreadable[/] {failed.Path}: {failed.Reason}");
        }

        return (corpus, data);
    }

    /// <summary>Reads the corpus (no audio), reporting its size, rejected names and a missing speaker id.</summary>
    public static Corpus Read(CorpusSettings settings)
    {
        var err = ConsoleOutput.Errors;
        var format = settings.Format;
        var corpus = CorpusReader.Read(settings.Data, format, new CorpusReadOptions
        {
            Strict = settings.Strict,
            SpeakerPattern = settings.SpeakerPattern is { } pattern ? new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)) : null,
        });
        if (settings.CommonLabels)
        {
            corpus = corpus.ToCommonLabels();
        }

        err.MarkupLineInterpolated($"[grey]{format} corpus: {corpus.Items.Count} clips, {corpus.Speakers.Count} speakers, labels: {string.Join(", ", corpus.Labels.Labels)}[/]");
        foreach (var rejected in corpus.Rejected.Take(10))
        {
            err.MarkupLineInterpolated($"[yellow]skipped[/] {rejected.Path}: {rejected.Reason}");
        }

        if (corpus.Rejected.Count > 10)
        {
            err.MarkupLineInterpolated($"[yellow]skipped {corpus.Rejected.Count - 10} more files whose names did not parse[/]");
        }

        if (!corpus.HasSpeakers)
        {
            err.MarkupLine("[yellow]warning:[/] this layout has no speaker ids, so the estimate is NOT speaker-independent (clips of one voice may sit on both sides of a fold) and will overstate accuracy on new voices; give speakers with --speaker-pattern REGEX or a CSV manifest with a speaker column.");
        }

        return corpus;
    }
}
