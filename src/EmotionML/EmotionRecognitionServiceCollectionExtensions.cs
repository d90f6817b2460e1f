using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EmotionML;

/// <summary>Registers emotion recognition with Microsoft.Extensions.DependencyInjection (ASP.NET Core, generic host).</summary>
public static class EmotionRecognitionServiceCollectionExtensions
{
    /// <summary>
    /// Registers one shared, thread-safe <see cref="EmotionEngine"/> (a singleton disposed with the container),
    /// configured through <see cref="EmotionRecognitionOptions"/>. Under a host it is loaded and warmed up when the
    /// host starts (<see cref="EmotionRecognitionOptions.LoadAtStartup"/>); otherwise on first use.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the model path and engine options; omit for the default model.</param>
    /// <example>
    /// <code>
    /// builder.Services.AddEmotionRecognition(o => o.ModelPath = "models/call-centre.emlmodel");
    /// app.MapPost("/emotion", (HttpRequest request, EmotionEngine engine) => engine.Predict(request.Body));
    /// </code>
    /// </example>
    public static IServiceCollection AddEmotionRecognition(this IServiceCollection services, Action<EmotionRecognitionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<EmotionRecognitionOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<EmotionRecognitionOptions>>().Value;
            return options.ModelPath is null ? EmotionEngine.LoadDefault(options.Engine) : EmotionEngine.Load(options.ModelPath, options.Engine);
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EngineStartup>());
        return services;
    }

    /// <summary>Loads and warms the engine when the host starts, unless <see cref="EmotionRecognitionOptions.LoadAtStartup"/> is off.</summary>
    private sealed class EngineStartup(IServiceProvider services, IOptions<EmotionRecognitionOptions> options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.Value.LoadAtStartup)
            {
                services.GetRequiredService<EmotionEngine>().WarmUp(cancellationToken);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
