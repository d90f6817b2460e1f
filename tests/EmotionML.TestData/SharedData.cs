namespace EmotionML.TestData;

/// <summary>
/// Finds the shared corpora and librosa reference data: <c>$EMOTIONML_SHARED</c> if set, else the first
/// <c>shared/</c> folder beside an ancestor of the working directory (the repository sits next to it).
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> Root = new(Find);

    /// <summary>The shared folder, or null when it cannot be found.</summary>
    public static string? RootOrNull => Root.Value;

    /// <summary>The shared folder; throws with a clear message when missing (tests that need it must fail, not pass vacuously).</summary>
    public static string RootPath => Root.Value ?? throw new DirectoryNotFoundException(
        "The shared data folder was not found: set EMOTIONML_SHARED or place 'shared/' beside the repository (../shared).");

    /// <summary>The librosa reference folder.</summary>
    public static string ReferenceDir => Path.Combine(RootPath, "reference");

    /// <summary>The RAVDESS speech folder (Actor_01..Actor_20).</summary>
    public static string RavdessDir => Path.Combine(RootPath, "data", "ravdess");

    /// <summary>The EmoDB wav folder.</summary>
    public static string EmoDbDir => Path.Combine(RootPath, "data", "emodb", "wav");

    /// <summary>The repository root (the folder holding EmotionML.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "EmotionML.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("EmotionML.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The sample clips committed under data/samples.</summary>
    public static string SamplesDir => Path.Combine(RepositoryRoot, "data", "samples");

    /// <summary>A few RAVDESS clips, sorted by name, spread over actors.</summary>
    public static IReadOnlyList<string> RavdessClips(int count)
    {
        var all = Directory.GetFiles(RavdessDir, "*.wav", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal).ToArray();
        int step = Math.Max(1, all.Length / count);
        return all.Where((_, i) => i % step == 0).Take(count).ToArray();
    }

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("EMOTIONML_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
        {
            return Path.GetFullPath(env);
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared");
                if (Directory.Exists(Path.Combine(candidate, "reference")))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
