using System.Globalization;

namespace EmotionML.Cli;

/// <summary>
/// Compact JSON for the <c>features</c> command's file output, byte for byte what System.Text.Json's
/// <c>Utf8JsonWriter</c> writes for the same calls with its default escaping (tests compare the two on every BMP
/// character, on numbers and on whole documents), without loading System.Text.Json: that assembly, System.Text.Encodings.Web
/// and the default encoder's set-up were about 12 ms of a one-file run on a machine where page faults are dear (8 % of
/// it; benchmarks/README.md, session 19). Strings with surrogate pairs are left to System.Text.Json
/// (<see cref="CanWrite"/>), as are non-finite numbers, which it refuses. Bytes are handed to the stream every 64 KB.
/// </summary>
internal sealed class CompactJsonWriter
{
    private const int FlushAt = 1 << 16;

    private readonly Stream _output;
    private byte[] _buffer = new byte[FlushAt * 2];
    private int _at;
    private bool _needsComma;

    /// <summary>A writer that appends to <paramref name="output"/> (call <see cref="Flush"/> at the end).</summary>
    public CompactJsonWriter(Stream output) => _output = output;

    /// <summary>Whether this writer escapes <paramref name="text"/> as System.Text.Json does (no surrogates).</summary>
    public static bool CanWrite(string text)
    {
        foreach (char c in text)
        {
            if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <paramref name="text"/> as a JSON string body with System.Text.Json's default escaping: printable ASCII as is
    /// except <c>" &amp; ' + &lt; &gt; \ `</c>; <c>\b \t \n \f \r \\</c> in their short forms; everything else as
    /// <c>\uXXXX</c> (upper-case hex).
    /// </summary>
    public static void Escape(string text, List<byte> destination)
    {
        Span<byte> scratch = stackalloc byte[MaxEscapedChar];
        foreach (char c in text)
        {
            int n = EscapeChar(c, scratch);
            for (int i = 0; i < n; i++)
            {
                destination.Add(scratch[i]);
            }
        }
    }

    /// <summary>[</summary>
    public void StartArray() => Open((byte)'[');

    /// <summary>]</summary>
    public void EndArray() => Close((byte)']');

    /// <summary>{</summary>
    public void StartObject() => Open((byte)'{');

    /// <summary>}</summary>
    public void EndObject() => Close((byte)'}');

    /// <summary>"name":"value"</summary>
    public void String(string name, string value)
    {
        Name(name);
        Quoted(value);
        _needsComma = true;
    }

    /// <summary>"name":value, the runtime's invariant text for it (for a double, the shortest that reads back as it; finite).</summary>
    public void Number<T>(string name, T value)
        where T : IUtf8SpanFormattable
    {
        Name(name);
        Ensure(32);
        value.TryFormat(_buffer.AsSpan(_at), out int written, default, CultureInfo.InvariantCulture);
        _at += written;
        _needsComma = true;
    }

    /// <summary>"name": followed by <paramref name="json"/>, a complete JSON value written as given.</summary>
    public void RawValue(string name, ReadOnlySpan<byte> json)
    {
        Name(name);
        Ensure(json.Length);
        json.CopyTo(_buffer.AsSpan(_at));
        _at += json.Length;
        _needsComma = true;
    }

    /// <summary>Hands what is buffered to the stream.</summary>
    public void Flush()
    {
        _output.Write(_buffer, 0, _at);
        _at = 0;
    }

    private const int MaxEscapedChar = 6;

    private static int EscapeChar(char c, Span<byte> destination)
    {
        if (c < 0x80 && c >= 0x20 && c != 0x7F && c is not ('"' or '&' or '\'' or '+' or '<' or '>' or '\\' or '`'))
        {
            destination[0] = (byte)c;
            return 1;
        }

        destination[0] = (byte)'\\';
        char shortForm = c switch
        {
            '\b' => 'b',
            '\t' => 't',
            '\n' => 'n',
            '\f' => 'f',
            '\r' => 'r',
            '\\' => '\\',
            _ => '\0',
        };
        if (shortForm != '\0')
        {
            destination[1] = (byte)shortForm;
            return 2;
        }

        destination[1] = (byte)'u';
        ((int)c).TryFormat(destination[2..], out _, "X4", CultureInfo.InvariantCulture);
        return MaxEscapedChar;
    }

    private void Open(byte bracket)
    {
        Comma();
        Ensure(1);
        _buffer[_at++] = bracket;
        _needsComma = false;
    }

    private void Close(byte bracket)
    {
        Ensure(1);
        _buffer[_at++] = bracket;
        _needsComma = true;
    }

    private void Comma()
    {
        if (_needsComma)
        {
            Ensure(1);
            _buffer[_at++] = (byte)',';
        }
    }

    private void Name(string name)
    {
        Comma();
        Quoted(name);
        Ensure(1);
        _buffer[_at++] = (byte)':';
    }

    private void Quoted(string text)
    {
        Ensure((text.Length * MaxEscapedChar) + 2);
        _buffer[_at++] = (byte)'"';
        var destination = _buffer.AsSpan();
        foreach (char c in text)
        {
            _at += EscapeChar(c, destination[_at..]);
        }

        _buffer[_at++] = (byte)'"';
    }

    private void Ensure(int bytes)
    {
        if (_at + bytes > FlushAt)
        {
            Flush();
        }

        if (bytes > _buffer.Length)
        {
            _buffer = new byte[bytes];
        }
    }
}
