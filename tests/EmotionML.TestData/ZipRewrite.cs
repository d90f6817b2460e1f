using System.IO.Compression;

namespace EmotionML.TestData;

/// <summary>Rewrites a zip (a model bundle) entry by entry, so a test can alter one entry and keep the rest as they were.</summary>
public static class ZipRewrite
{
    /// <summary>A copy of <paramref name="zip"/> with each entry's bytes passed through <paramref name="change"/> (name, bytes → bytes).</summary>
    public static byte[] Entries(byte[] zip, Func<string, byte[], byte[]> change)
    {
        using var input = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        using var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in input.Entries)
            {
                using var source = entry.Open();
                using var buffer = new MemoryStream();
                source.CopyTo(buffer);
                using var target = archive.CreateEntry(entry.FullName).Open();
                target.Write(change(entry.FullName, buffer.ToArray()));
            }
        }

        return output.ToArray();
    }
}
