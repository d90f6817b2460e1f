using System.Diagnostics;

namespace EmotionML.Cli.Tests;

/// <summary>Runs the built <c>emotionml</c> tool as a separate process, as a user would.</summary>
internal static class CliRunner
{
    /// <summary>Starts the tool without waiting (the caller reads its output and ends it).</summary>
    public static Process Start(params string[] args) => Start(false, args);

    /// <summary>
    /// Starts the tool without waiting. With <paramref name="defaultInterrupt"/>, SIGINT's default disposition is
    /// restored first (through Debian's always-present perl): a process started in the background of a
    /// non-interactive shell, as CI jobs may be, inherits SIGINT ignored, and .NET then (rightly) ignores Ctrl+C.
    /// </summary>
    public static Process Start(bool defaultInterrupt, params string[] args)
    {
        var psi = new ProcessStartInfo(defaultInterrupt ? "perl" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestData.SharedData.RepositoryRoot,
        };
        if (defaultInterrupt)
        {
            foreach (var a in new[] { "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die $!", "dotnet" })
            {
                psi.ArgumentList.Add(a);
            }
        }

        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "EmotionML.Cli.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi)!;
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public static void Interrupt(Process process)
    {
        using var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    public static (int ExitCode, string StdOut, string StdErr) Run(params string[] args)
    {
        using var process = Start(args);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(true);
            throw new TimeoutException("emotionml did not finish within 2 minutes");
        }

        return (process.ExitCode, stdout, stderr.Result);
    }
}
