using System.Diagnostics;

namespace EmotionML.Cli.Tests;

/// <summary>Runs the built <c>emotionml</c> tool as a separate process, as a user would.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string StdOut, string StdErr) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestData.SharedData.RepositoryRoot,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "EmotionML.Cli.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
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
