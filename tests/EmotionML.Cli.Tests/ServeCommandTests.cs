using System.Net;
using System.Net.Sockets;

namespace EmotionML.Cli.Tests;

/// <summary><c>emotionml serve</c> as a user runs it: it serves, refuses the network unless asked, stops on Ctrl+C.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public void A_non_loopback_address_without_allow_remote_is_refused()
    {
        var (exit, _, stderr) = CliRunner.Run("serve", "--urls", "http://0.0.0.0:5080");
        Assert.Equal(2, exit);
        Assert.Contains("--allow-remote", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_model_is_reported_before_listening()
    {
        string model = Path.Combine(Path.GetTempPath(), $"emotionml-corrupt-{Environment.ProcessId}.emlmodel");
        File.WriteAllText(model, "not a bundle");
        var (exit, _, stderr) = CliRunner.Run("serve", "--model", model, "--urls", "http://127.0.0.1:0");
        File.Delete(model);
        Assert.Equal(2, exit);
        Assert.Contains("error", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task It_serves_the_page_and_api_and_stops_on_ctrl_c()
    {
        int port = FreePort();
        using var process = CliRunner.Start(true, "serve", "--urls", $"http://127.0.0.1:{port}");
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            string? health = null;
            for (int attempt = 0; attempt < 120 && health is null; attempt++)
            {
                try
                {
                    health = await client.GetStringAsync("/health");
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(250);
                }
            }

            Assert.Equal("Healthy", health);
            Assert.Contains("EmotionML", await client.GetStringAsync("/"), StringComparison.Ordinal);
            using var form = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(Path.Combine(TestData.SharedData.SamplesDir, "ravdess-angry-actor12.wav"))), "file", "a.wav" } };
            var response = await client.PostAsync("/api/predict", form);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"label\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            CliRunner.Interrupt(process);
            if (!process.WaitForExit(30_000))
            {
                process.Kill(true);
            }
        }

        Assert.True(process.HasExited);
        Assert.Contains("Serving on", await stderr, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
