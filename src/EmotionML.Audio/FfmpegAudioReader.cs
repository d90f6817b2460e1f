using System.Diagnostics;
using System.Text;

namespace EmotionML.Audio;

/// <summary>
/// Formats without a well-kept managed decoder (FLAC, M4A/AAC, Opus, AIFF, WebM) are decoded by Debian's
/// <c>ffmpeg</c>, which writes 32-bit float WAV to a pipe that <see cref="WavAudioReader"/> streams. ffmpeg reads
/// a file rather than a pipe because MP4 files often keep their index at the end and need seeking.
/// </summary>
internal sealed class FfmpegAudioReader : AudioReader
{
    private readonly Process _process;
    private readonly WavAudioReader _wav;
    private readonly StringBuilder _stderr;
    private readonly string? _tempFile;
    private readonly AudioFormat _format;
    private readonly CancellationTokenSource _deadline;
    private readonly TimeSpan _timeout;
    private bool _finished;

    private FfmpegAudioReader(Process process, WavAudioReader wav, StringBuilder stderr, string? tempFile, AudioFormat format, CancellationTokenSource deadline, TimeSpan timeout)
    {
        _deadline = deadline;
        _timeout = timeout;
        _process = process;
        _wav = wav;
        _stderr = stderr;
        _tempFile = tempFile;
        _format = format;
    }

    public override int SampleRate => _wav.SampleRate;

    public override int SourceChannels => _wav.SourceChannels;

    public override AudioFormat Format => _format;

    /// <summary>Finds ffmpeg: the configured path, else the first <c>ffmpeg</c> on PATH; null when there is none.</summary>
    public static string? Locate(AudioDecoderOptions options)
    {
        if (!options.UseFfmpeg)
        {
            return null;
        }

        if (options.FfmpegPath is { } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in OperatingSystem.IsWindows() ? new[] { "ffmpeg.exe" } : ["ffmpeg"])
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Starts ffmpeg on <paramref name="path"/>; <paramref name="tempFile"/> (if any) is deleted on dispose.</summary>
    public static FfmpegAudioReader Open(string ffmpeg, string path, string? tempFile, AudioFormat format, AudioDecoderOptions options)
    {
        var psi = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var arg in new[] { "-hide_banner", "-loglevel", "error", "-nostdin", "-i", path, "-vn", "-map", "0:a:0", "-acodec", "pcm_f32le", "-f", "wav", "pipe:1" })
        {
            psi.ArgumentList.Add(arg);
        }

        var stderr = new StringBuilder();
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned null.");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            DeleteQuietly(tempFile);
            throw new AudioDecodeException(AudioErrorKind.DecoderUnavailable, $"{format} audio needs ffmpeg, which could not be started from '{ffmpeg}': {ex.Message}", format, ex);
        }

        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                if (e.Data is not null && stderr.Length < 8192)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        // A hung or endless ffmpeg is killed at the deadline: its pipe then ends and the read fails with DecoderFailed.
        var deadline = new CancellationTokenSource(options.FfmpegTimeout);
        deadline.Token.Register(() => KillQuietly(process));
        try
        {
            var wav = WavAudioReader.Open(process.StandardOutput.BaseStream, leaveOpen: false, options with { AllowTruncated = true });
            return new FfmpegAudioReader(process, wav, stderr, tempFile, format, deadline, options.FfmpegTimeout);
        }
        catch (AudioDecodeException ex)
        {
            process.WaitForExit(10_000);
            string message = deadline.IsCancellationRequested ? $"no result within {options.FfmpegTimeout} (AudioDecoderOptions.FfmpegTimeout); ffmpeg was killed" : Describe(stderr, process);
            KillQuietly(process);
            deadline.Dispose();
            process.Dispose();
            DeleteQuietly(tempFile);
            throw new AudioDecodeException(AudioErrorKind.DecoderFailed, $"ffmpeg could not decode the {format} audio: {message}", format, ex);
        }
    }

    protected override int ReadCore(Span<float> destination)
    {
        if (_finished)
        {
            return 0;
        }

        int n = _wav.Read(destination);
        if (n > 0)
        {
            _deadline.CancelAfter(_timeout); // the deadline bounds silence from ffmpeg, not the length of a long stream
        }

        if (n == 0)
        {
            _finished = true;
            if (_deadline.IsCancellationRequested || !_process.WaitForExit(_timeout))
            {
                KillQuietly(_process);
                throw new AudioDecodeException(AudioErrorKind.DecoderFailed, $"ffmpeg did not finish decoding the {_format} audio within {_timeout} (AudioDecoderOptions.FfmpegTimeout) and was killed.", _format);
            }

            if (_process.ExitCode != 0)
            {
                throw new AudioDecodeException(AudioErrorKind.DecoderFailed, $"ffmpeg failed while decoding the {_format} audio: {Describe(_stderr, _process)}", _format);
            }
        }

        return n;
    }

    private static string Describe(StringBuilder stderr, Process process)
    {
        string text;
        lock (stderr)
        {
            text = stderr.ToString().Trim();
        }

        string exit = process.HasExited ? $"exit code {process.ExitCode}" : "still running";
        return text.Length == 0 ? exit : $"{text} ({exit})";
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static void DeleteQuietly(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _deadline.Dispose();
            _wav.Dispose();
            KillQuietly(_process);
            _process.Dispose();
            DeleteQuietly(_tempFile);
        }
    }
}
