using EmotionML.TestData;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace EmotionML.Web.Tests;

/// <summary>
/// The app on a real port, and Debian's Chromium (installed by scripts/install-deps.sh; Playwright drives the system
/// browser instead of downloading one) with a fake microphone that plays a sample clip.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public WebApplication App { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: the test output folder's <c>screenshots</c>.</summary>
    public static string ScreenshotDir => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        App = EmotionWebApp.Create(["--urls", "http://127.0.0.1:0"]);
        await App.StartAsync();
        BaseUrl = App.Urls.First();
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        string microphone = Path.Combine(Path.GetTempPath(), $"emotionml-fake-mic-{Environment.ProcessId}.wav");
        File.Copy(WebTestClips.SamplePath(), microphone, overwrite: true);
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            Args = ["--no-sandbox", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-audio-capture={microphone}"],
        });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await App.DisposeAsync();
    }

    private static string ChromiumPath()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("EMOTIONML_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" };
        return candidates.FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p))
            ?? throw new FileNotFoundException("Chromium is not installed: run scripts/install-deps.sh (Debian's chromium) or set EMOTIONML_CHROMIUM.");
    }
}

/// <summary>The page in a real browser: upload, record, timeline, history, errors; screenshots at laptop and phone sizes.</summary>
public sealed class BrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly ViewportSize Laptop = new() { Width = 1280, Height = 900 };
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private async Task<IPage> OpenAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(fixture.BaseUrl);
        await page.Locator("#model dl").WaitForAsync(); // the model panel has loaded
        return page;
    }

    [Fact]
    public async Task Uploading_a_sample_shows_the_label_and_a_bar_per_emotion()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = Laptop });
        var page = await OpenAsync(context);
        await page.Locator("#file").SetInputFilesAsync(WebTestClips.SamplePath());
        await page.Locator("#result:not([hidden])").WaitForAsync();

        using var engine = EmotionEngine.LoadDefault();
        using var file = File.OpenRead(WebTestClips.SamplePath());
        var expected = engine.Predict(file);
        Assert.Equal(expected.Label, await page.Locator("#label").TextContentAsync());
        Assert.Equal(engine.Labels.Count, await page.Locator("#bars li").CountAsync());
        Assert.Equal(expected.Label, await page.Locator("#bars li").First.GetAttributeAsync("data-label")); // ranked, winner first
        Assert.True(await page.Locator("#player").IsVisibleAsync());
        Assert.True(await page.Locator("#model img").IsVisibleAsync()); // the confusion matrix
        // The panel names both parts of the blend and their shares.
        var panel = await page.Locator("#model dl").TextContentAsync();
        Assert.Contains(FormattableString.Invariant($"blended with a CNN on the log-mel spectrogram ({100 * engine.Bundle.Manifest.Cnn!.Weight:0.0}"), panel, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDir, "laptop-result.png"), FullPage = true });

        await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDir, "phone-result.png"), FullPage = true });
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= Phone.Width, $"the page scrolls sideways on a phone: {width}px");
    }

    [Fact]
    public async Task Recording_from_the_microphone_gives_a_prediction()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = Laptop });
        var page = await OpenAsync(context);
        await page.Locator("#record").ClickAsync();
        await page.Locator("#record[aria-pressed=true]").WaitForAsync();
        await page.WaitForTimeoutAsync(3000);
        await page.Locator("#record").ClickAsync();
        await page.Locator("#result:not([hidden])").WaitForAsync();
        string? label = await page.Locator("#label").TextContentAsync();
        using var engine = EmotionEngine.LoadDefault();
        Assert.Contains(label, engine.Labels);
        Assert.Contains("recording", await page.Locator("#history li").First.TextContentAsync(), StringComparison.Ordinal);
        Assert.False(await page.Locator("#error").IsVisibleAsync());
    }

    [Fact]
    public async Task A_long_clip_shows_a_timeline()
    {
        string path = Path.Combine(Path.GetTempPath(), $"emotionml-long-{Environment.ProcessId}.wav");
        await File.WriteAllBytesAsync(path, WebTestClips.Long());
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = Laptop });
        var page = await OpenAsync(context);
        await page.Locator("#file").SetInputFilesAsync(path);
        await page.Locator("#timeline-block:not([hidden]) svg").WaitForAsync();
        Assert.True(await page.Locator("#timeline svg rect").CountAsync() >= 10);
        Assert.Equal(8, await page.Locator("#timeline svg polyline").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDir, "laptop-timeline.png"), FullPage = true });
        File.Delete(path);
    }

    [Fact]
    public async Task History_survives_a_reload_and_can_be_cleared()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = Laptop });
        var page = await OpenAsync(context);
        foreach (var clip in WebTestClips.SamplePaths.Take(2))
        {
            await page.Locator("#file").SetInputFilesAsync(clip);
            await page.Locator($"#history li:has-text('{Path.GetFileName(clip)}')").WaitForAsync();
        }

        await page.ReloadAsync();
        await page.Locator("#model dl").WaitForAsync();
        Assert.Equal(2, await page.Locator("#history li").CountAsync());
        await page.Locator("#clear-history").ClickAsync();
        Assert.Equal(0, await page.Locator("#history li").CountAsync());
        Assert.True(await page.Locator("#history-empty").IsVisibleAsync());
        await page.ReloadAsync();
        await page.Locator("#model dl").WaitForAsync();
        Assert.Equal(0, await page.Locator("#history li").CountAsync());
    }

    [Fact]
    public async Task A_non_audio_file_shows_an_error_message()
    {
        string path = Path.Combine(Path.GetTempPath(), $"emotionml-notes-{Environment.ProcessId}.wav");
        await File.WriteAllTextAsync(path, "These are my meeting notes, not audio, whatever the file name says.");
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = Phone });
        var page = await OpenAsync(context);
        await page.Locator("#file").SetInputFilesAsync(path);
        await page.Locator("#error:not([hidden])").WaitForAsync();
        Assert.Contains("Could not analyse", await page.Locator("#error").TextContentAsync(), StringComparison.Ordinal);
        Assert.False(await page.Locator("#result").IsVisibleAsync());
        Assert.Equal(0, await page.Locator("#history li").CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDir, "phone-error.png"), FullPage = true });
        File.Delete(path);
    }

    [Fact]
    public async Task The_drop_zone_opens_the_file_chooser_from_the_keyboard()
    {
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = Laptop });
        var page = await OpenAsync(context);
        // Locator.PressAsync focuses the drop zone and presses Enter in one step: with a separate focus and then a
        // page-level key press, one CI run waited 30 s for a chooser that never opened (the focus had moved, or the
        // press came first); one step leaves no gap between the two.
        var chooser = await page.RunAndWaitForFileChooserAsync(() => page.Locator("#drop").PressAsync("Enter"));
        await chooser.SetFilesAsync(WebTestClips.SamplePath("ravdess-happy-actor15.wav"));
        await page.Locator("#result:not([hidden])").WaitForAsync();
    }
}
