var app = EmotionML.Web.EmotionWebApp.Create(args);
await app.RunAsync();

/// <summary>The web app's entry point (also what <c>WebApplicationFactory</c> starts in tests).</summary>
public partial class Program
{
}
