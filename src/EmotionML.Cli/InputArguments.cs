using Spectre.Console;
using Spectre.Console.Rendering;

namespace EmotionML.Cli;

/// <summary>
/// Hands the inputs that follow <c>features</c> or <c>predict</c> (the file names a shell expands a glob into) to
/// Spectre.Console.Cli as one argument, and splits them again when the settings are bound. Spectre's tokenizer makes,
/// for every argument, a new string of the whole command line up to it (kept for its error messages), and grows the
/// bound array one element at a time: quadratic in the number of arguments. 720 clip names allocated 33 MB and took
/// about 11 ms of CPU before the command started (2 % of a <c>features</c> run over them); 20,000 names would allocate
/// about 20 GB. The names are joined with <c>'\0'</c>, which no command-line argument can contain (one character,
/// as Spectre's space: the caret of its parse-error display still points at the right place, and
/// <see cref="AsTyped"/> shows the separators as the spaces they stand for).
/// </summary>
internal static class InputArguments
{
    /// <summary>The character between packed inputs.</summary>
    public const char Separator = '\0';

    /// <summary>The commands whose first argument is a list of inputs.</summary>
    private static readonly HashSet<string> CommandsWithInputs = new(StringComparer.Ordinal) { "features", "predict" };

    /// <summary>
    /// The command line with the inputs right after the command (up to the first argument that starts with '-', as
    /// Spectre reads them) packed into one argument; other command lines unchanged.
    /// </summary>
    public static string[] Pack(string[] args)
    {
        if (args.Length < 3 || !CommandsWithInputs.Contains(args[0]))
        {
            return args;
        }

        int end = 1;
        while (end < args.Length && !args[end].StartsWith('-'))
        {
            end++;
        }

        if (end <= 2)
        {
            return args;
        }

        var packed = new string[args.Length - (end - 1) + 1];
        packed[0] = args[0];
        packed[1] = string.Join(Separator, args, 1, end - 1);
        Array.Copy(args, end, packed, 2, args.Length - end);
        return packed;
    }

    /// <summary>The inputs as given on the command line: packed arguments split again.</summary>
    public static string[] Unpack(string[] inputs)
    {
        if (!Array.Exists(inputs, i => i.Contains(Separator, StringComparison.Ordinal)))
        {
            return inputs;
        }

        return [.. inputs.SelectMany(i => i.Split(Separator))];
    }

    /// <summary>
    /// A parse error's display (Spectre quotes the command line it read) with the packed inputs shown as typed: each
    /// separator becomes the space it stands for, so the text and the caret under it are what an unpacked command line
    /// would have shown.
    /// </summary>
    public static IRenderable AsTyped(IRenderable display) => new SeparatorsAsSpaces(display);

    private sealed class SeparatorsAsSpaces(IRenderable inner) : IRenderable
    {
        public Measurement Measure(RenderOptions options, int maxWidth) => inner.Measure(options, maxWidth);

        public IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
        {
            foreach (var segment in inner.Render(options, maxWidth))
            {
                yield return segment.IsControlCode || segment.IsLineBreak || !segment.Text.Contains(Separator, StringComparison.Ordinal)
                    ? segment
                    : new Segment(segment.Text.Replace(Separator, ' '), segment.Style);
            }
        }
    }
}
