using System.Diagnostics;
using System.Net.Http.Headers;
using EmotionML.Web;

namespace EmotionML.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/EmotionML.Benchmarks -- load-check [requests] [connections] [url]</c>:
/// posts a sample clip to <c>/api/predict</c> <paramref name="requests"/> times over <paramref name="connections"/>
/// concurrent connections and prints errors, throughput and p50/p99 latency. Without a URL it starts the web app
/// in this process on a loopback port (Kestrel, real sockets; the client shares the machine's cores).
/// </summary>
public static class LoadCheck
{
    public static async Task RunAsync(int requests, int connections, string? url)
    {
        Microsoft.AspNetCore.Builder.WebApplication? app = null;
        if (url is null)
        {
            app = EmotionWebApp.Create(["--urls", "http://127.0.0.1:0"]);
            await app.StartAsync();
            url = app.Urls.First();
        }

        var clips = Directory.GetFiles(Path.Combine(TestData.SharedData.SamplesDir), "*.wav").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };

        // Warm-up: one request per clip, not timed.
        foreach (var clip in clips)
        {
            (await client.PostAsync("/api/predict", Body(clip))).EnsureSuccessStatusCode();
        }

        var latencies = new double[requests];
        var statuses = new int[requests];
        int next = -1;
        var total = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, connections).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var watch = Stopwatch.StartNew();
                try
                {
                    using var response = await client.PostAsync("/api/predict", Body(clips[i % clips.Length]));
                    await response.Content.ReadAsByteArrayAsync();
                    statuses[i] = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    statuses[i] = -1;
                }

                latencies[i] = watch.Elapsed.TotalMilliseconds;
            }
        }).ToArray();
        await Task.WhenAll(workers);
        total.Stop();

        Array.Sort(latencies);
        double Percentile(double p) => latencies[Math.Min(requests - 1, (int)Math.Ceiling(p * requests) - 1)];
        int errors = statuses.Count(s => s != 200);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine($"{requests} requests, {connections} connections to {new Uri(new Uri(url), "api/predict")} (3.3-3.7 s RAVDESS clips, multipart)");
        Console.WriteLine($"errors: {errors} ({string.Join(", ", statuses.Where(s => s != 200).GroupBy(s => s).Select(g => $"{g.Key}: {g.Count()}"))})");
        Console.WriteLine($"throughput: {requests / total.Elapsed.TotalSeconds:F1} requests/s over {total.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"latency: p50 {Percentile(0.50):F1} ms, p99 {Percentile(0.99):F1} ms, max {latencies[^1]:F1} ms");
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    private static MultipartFormDataContent Body(byte[] clip)
    {
        var file = new ByteArrayContent(clip);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        return new MultipartFormDataContent { { file, "file", "clip.wav" } };
    }
}
