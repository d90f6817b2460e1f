namespace EmotionML.Cli;

/// <summary>Turns the command line's files, folders and globs into a sorted list of audio files.</summary>
internal static class InputExpander
{
    /// <summary>Extensions picked up when searching folders (a file named explicitly is read whatever its name).</summary>
    public static readonly HashSet<string> AudioExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".wav", ".wave", ".mp3", ".ogg", ".oga", ".opus", ".flac", ".m4a", ".mp4", ".aac", ".aif", ".aiff", ".webm", ".mka",
    };

    /// <summary>Expands inputs, telling standard error about each name that matches nothing and about an empty result.</summary>
    /// <returns>The files, and how many names matched nothing.</returns>
    public static (List<string> Files, int Missing) ExpandAndReport(IEnumerable<string> inputs)
    {
        var files = Expand(inputs, out var missing);
        foreach (var name in missing)
        {
            Spectre.Console.AnsiConsoleExtensions.MarkupLineInterpolated(ConsoleOutput.Errors, $"[red]error:[/] no such file, folder or match: {name}");
        }

        if (files.Count == 0)
        {
            Spectre.Console.AnsiConsoleExtensions.MarkupLine(ConsoleOutput.Errors, "[red]error:[/] no audio files to read.");
        }

        return (files, missing.Count);
    }

    /// <summary>Expands inputs; names that match nothing are returned in <paramref name="missing"/>.</summary>
    public static List<string> Expand(IEnumerable<string> inputs, out List<string> missing)
    {
        var files = new List<string>();
        missing = new List<string>();
        foreach (var input in inputs)
        {
            if (File.Exists(input))
            {
                files.Add(input);
            }
            else if (Directory.Exists(input))
            {
                files.AddRange(Directory.EnumerateFiles(input, "*", SearchOption.AllDirectories)
                    .Where(f => AudioExtensions.Contains(Path.GetExtension(f)))
                    .OrderBy(f => f, StringComparer.Ordinal));
            }
            else if (input.IndexOfAny(['*', '?']) >= 0)
            {
                var dir = Path.GetDirectoryName(input);
                var pattern = Path.GetFileName(input);
                var root = string.IsNullOrEmpty(dir) ? "." : dir;
                var matches = Directory.Exists(root) && dir?.IndexOfAny(['*', '?']) is null or < 0
                    ? Directory.EnumerateFiles(root, pattern).OrderBy(f => f, StringComparer.Ordinal).ToList()
                    : [];
                if (matches.Count == 0)
                {
                    missing.Add(input);
                }

                files.AddRange(matches);
            }
            else
            {
                missing.Add(input);
            }
        }

        return files;
    }
}
