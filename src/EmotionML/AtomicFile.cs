namespace EmotionML;

/// <summary>
/// Writes a file through a temporary sibling and a rename, so that a crash or a full disk never leaves a
/// half-written file where a good one was: readers see the old file or the new one, nothing in between.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with whatever <paramref name="write"/> puts into the stream.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the content.</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Writes text (UTF-8) atomically.</summary>
    /// <param name="path">The file.</param>
    /// <param name="text">The content.</param>
    public static void WriteAllText(string path, string text) => Write(path, s =>
    {
        using var writer = new StreamWriter(s, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
        writer.Write(text);
    });

    /// <summary>Writes bytes atomically.</summary>
    /// <param name="path">The file.</param>
    /// <param name="bytes">The content.</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }
}
