using System.Globalization;

namespace EmotionML.Benchmarks;

/// <summary>
/// Where the working set is, by mapping: the resident kilobytes of <c>/proc/self/smaps</c> summed per file (a
/// library's pages, the runtime's, an embedded resource's assembly) and for the anonymous kinds (<c>[heap]</c> is the
/// C heap: ONNX Runtime's allocations and the JIT's; <c>[anon]</c> holds the GC heap and thread stacks;
/// <c>memfd:doublemapper</c> is JIT-compiled code). Linux only; elsewhere it prints nothing.
/// </summary>
public static class WorkingSetMap
{
    /// <summary>Prints the <paramref name="top"/> largest mappings, in MB.</summary>
    public static void Print(int top = 10)
    {
        const string smaps = "/proc/self/smaps";
        if (!File.Exists(smaps))
        {
            return;
        }

        var resident = new Dictionary<string, long>();
        string current = "[anon]";
        foreach (var line in File.ReadLines(smaps))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            if (fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
            {
                current = fields.Length > 5 ? Path.GetFileName(string.Join(' ', fields[5..])) : "[anon]";
                current = current.Length == 0 ? fields[5] : current;
            }
            else if (fields[0] == "Rss:")
            {
                resident[current] = resident.GetValueOrDefault(current) + long.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }

        Console.WriteLine($"working set now {resident.Values.Sum() / 1024.0:F1} MB; largest mappings (MB):");
        foreach (var (name, kilobytes) in resident.OrderByDescending(r => r.Value).Take(top))
        {
            Console.WriteLine($"{kilobytes / 1024.0,8:F1}  {name}");
        }
    }
}
