using System.Diagnostics;
using EmotionML.TestData;

namespace EmotionML.Packaging.Tests;

/// <summary>
/// As an application author would: pack the libraries and the tool into a local folder feed, create a fresh
/// console app outside the repository that references the runtime package by version, and predict a sample clip;
/// then install the tool from the same feed and run it.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("emotionml-pack-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void A_fresh_console_app_references_the_runtime_package_and_predicts()
    {
        var feed = Path.Combine(_temp, "feed");
        // A version of its own per run: a package restored once stays in the global packages folder, so reusing the
        // assembly's version would let the app restore an older build (an older default model) from that cache.
        var version = $"{typeof(EmotionEngine).Assembly.GetName().Version!.ToString(3)}-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        // A configuration of its own, so packing never touches the Debug or Release outputs tests run from.
        foreach (var project in new[] { "EmotionML.Audio", "EmotionML.Features", "EmotionML", "EmotionML.Training", "EmotionML.Cli" })
        {
            Run("dotnet", SharedData.RepositoryRoot, ["pack", $"src/{project}/{project}.csproj", "-c", "PackageTest", "-o", feed, $"-p:PackageVersion={version}"]);
        }

        Assert.True(File.Exists(Path.Combine(feed, $"EmotionML.{version}.nupkg")));
        Assert.True(File.Exists(Path.Combine(feed, $"EmotionML.{version}.snupkg")));
        Assert.True(File.Exists(Path.Combine(feed, $"EmotionML.Tool.{version}.nupkg")));
        // The tool package points at one package per platform: ReadyToRun for linux-x64, the portable build for the rest.
        Assert.True(File.Exists(Path.Combine(feed, $"EmotionML.Tool.linux-x64.{version}.nupkg")));
        Assert.True(File.Exists(Path.Combine(feed, $"EmotionML.Tool.any.{version}.nupkg")));
        // The training library is a package of its own (the README lists it), depending on the runtime.
        using (var training = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, $"EmotionML.Training.{version}.nupkg")))
        {
            var nuspec = new StreamReader(training.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open()).ReadToEnd();
            Assert.Contains("id=\"EmotionML\"", nuspec);
            Assert.Contains("lib/net10.0/EmotionML.Training.dll", training.Entries.Select(e => e.FullName));
        }

        using (var zip = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, $"EmotionML.{version}.nupkg")))
        {
            var names = zip.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("README.md", names);
            Assert.Contains("lib/net10.0/EmotionML.xml", names);
            var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open()).ReadToEnd();
            Assert.Contains("<license type=\"expression\">MIT</license>", nuspec);
            Assert.Contains("<repository", nuspec);
            Assert.Contains("id=\"EmotionML.Features\"", nuspec);
        }

        var app = Path.Combine(_temp, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="EmotionML" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using EmotionML;
            using var engine = EmotionEngine.LoadDefault();
            using var audio = File.OpenRead(args[0]);
            var p = engine.Predict(audio);
            Console.WriteLine($"{p.Label}|{p.Confidence}|{p.Scores.Values.Sum()}|{string.Join(",", p.Labels)}");
            """);
        var sample = Path.Combine(SharedData.SamplesDir, "ravdess-happy-actor15.wav");
        var output = Run("dotnet", app, ["run", "-c", "Release", "--", sample]).Trim().Split('\n')[^1].Split('|');
        var labels = output[3].Split(',');
        Assert.Equal(["neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"], labels);
        // The packaged default model gives exactly what the repository's engine gives for the same clip.
        using (var engine = EmotionEngine.LoadDefault())
        using (var audio = File.OpenRead(sample))
        {
            var expected = engine.Predict(audio);
            Assert.Equal(expected.Label, output[0]);
            Assert.Equal(expected.Confidence, float.Parse(output[1], System.Globalization.CultureInfo.InvariantCulture), 5);
        }

        Assert.Equal(1.0, double.Parse(output[2], System.Globalization.CultureInfo.InvariantCulture), 3);

        // The tool, installed from the same feed.
        var tools = Path.Combine(_temp, "tools");
        Run("dotnet", app, ["tool", "install", "EmotionML.Tool", "--version", version, "--tool-path", tools, "--add-source", feed]);
        // On linux-x64 the install picks the platform's own (ReadyToRun) package, elsewhere the portable one.
        string expectedPackage = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier == "linux-x64" ? "emotionml.tool.linux-x64" : "emotionml.tool.any";
        Assert.True(Directory.Exists(Path.Combine(tools, ".store", "emotionml.tool", version.ToLowerInvariant(), expectedPackage)),
            $"the tool store holds {string.Join(", ", Directory.GetDirectories(Path.Combine(tools, ".store", "emotionml.tool", version.ToLowerInvariant())).Select(Path.GetFileName))}");
        var json = Run(Path.Combine(tools, "emotionml"), app, ["predict", sample, "--format", "json"]);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(output[0], doc.RootElement[0].GetProperty("label").GetString());
    }

    private static string Run(string file, string directory, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(600_000), $"{file} {string.Join(' ', psi.ArgumentList)} timed out");
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', psi.ArgumentList)} exited {process.ExitCode}:\n{stdout}\n{stderr.Result}");
        return stdout;
    }
}
