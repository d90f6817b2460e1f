using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace EmotionML.Training.Cnn;

/// <summary>
/// Writes NumPy <c>.npz</c> archives (a zip of <c>.npy</c> arrays, format 1.0, little-endian, C order) that
/// <c>numpy.load(path, allow_pickle=False)</c> reads: the hand-over format to the Python CNN trainer. Only the
/// dtypes the export needs: float16, float32, int32, int64 and fixed-width unicode strings.
/// </summary>
internal sealed class NpzWriter : IDisposable
{
    private static readonly DateTimeOffset FixedTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ZipArchive _zip;

    public NpzWriter(Stream stream) => _zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);

    public void WriteHalf(string name, ReadOnlySpan<float> values, params int[] shape)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(2 * i), (Half)values[i]);
        }

        Write(name, "<f2", shape, bytes);
    }

    public void WriteSingle(string name, ReadOnlySpan<float> values, params int[] shape) =>
        Write(name, "<f4", shape, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray());

    public void WriteInt32(string name, ReadOnlySpan<int> values) =>
        Write(name, "<i4", [values.Length], System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray());

    public void WriteInt64(string name, ReadOnlySpan<long> values) =>
        Write(name, "<i8", [values.Length], System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>A 1-D array of strings as NumPy's fixed-width UTF-32 <c>&lt;U</c> dtype.</summary>
    public void WriteStrings(string name, IReadOnlyList<string> values)
    {
        int width = Math.Max(1, values.Count == 0 ? 1 : values.Max(v => v.EnumerateRunes().Count()));
        var bytes = new byte[values.Count * width * 4];
        for (int i = 0; i < values.Count; i++)
        {
            int j = 0;
            foreach (var rune in values[i].EnumerateRunes())
            {
                BitConverter.TryWriteBytes(bytes.AsSpan((i * width + j++) * 4), rune.Value);
            }
        }

        Write(name, "<U" + width.ToString(CultureInfo.InvariantCulture), [values.Count], bytes);
    }

    public void Dispose() => _zip.Dispose();

    private void Write(string name, string dtype, int[] shape, byte[] data)
    {
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.Select(s => s.ToString(CultureInfo.InvariantCulture)));
        string header = $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': ({dims}), }}";
        int total = 10 + header.Length + 1;
        header += new string(' ', (64 - (total % 64)) % 64) + "\n";
        var zipEntry = _zip.CreateEntry(name + ".npy", CompressionLevel.NoCompression);
        zipEntry.LastWriteTime = FixedTime; // the same content gives the same bytes (the trainer's cache compares hashes)
        using var entry = zipEntry.Open();
        entry.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        entry.Write(BitConverter.GetBytes((ushort)header.Length));
        entry.Write(Encoding.ASCII.GetBytes(header));
        entry.Write(data);
    }
}
