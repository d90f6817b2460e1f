using System.Collections.Concurrent;
using Microsoft.ML;

namespace EmotionML;

/// <summary>
/// A bounded pool of ML.NET prediction engines over one transformer: <c>PredictionEngine</c> is not thread-safe,
/// so each call rents one (created on demand, at most <see cref="EmotionModel.MaxPooledEngines"/> kept).
/// <see cref="Dispose"/> may race with in-flight calls: they finish, and their engines are disposed rather than
/// returned.
/// </summary>
internal sealed class PredictionEnginePool<TIn, TOut>(Func<PredictionEngine<TIn, TOut>> create, object owner) : IDisposable
    where TIn : class
    where TOut : class, new()
{
    private readonly ConcurrentBag<PredictionEngine<TIn, TOut>> _pool = new();

    // Kept beside the bag: ConcurrentBag.Count takes every thread's lock to freeze the bag, and calling it on each
    // return made concurrent predictions wait on each other. Approximate under races, which only the bound reads.
    private int _count;
    private int _disposed;

    /// <summary>Engines waiting in the pool.</summary>
    public int Count => Math.Max(0, Volatile.Read(ref _count));

    /// <summary>Runs one prediction on a rented engine.</summary>
    public TOut Predict(TIn input)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, owner);
        var engine = TryTake(out var e) ? e : create();
        try
        {
            return engine.Predict(input);
        }
        finally
        {
            Return(engine);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Drain();
        }
    }

    private void Return(PredictionEngine<TIn, TOut> engine)
    {
        if (Volatile.Read(ref _disposed) != 0 || Volatile.Read(ref _count) >= EmotionModel.MaxPooledEngines)
        {
            engine.Dispose();
            return;
        }

        Interlocked.Increment(ref _count);
        _pool.Add(engine);
        // Dispose may have drained the pool between the check and the add: drain again so nothing is leaked.
        if (Volatile.Read(ref _disposed) != 0)
        {
            Drain();
        }
    }

    private void Drain()
    {
        while (TryTake(out var engine))
        {
            engine.Dispose();
        }
    }

    private bool TryTake(out PredictionEngine<TIn, TOut> engine)
    {
        if (_pool.TryTake(out engine!))
        {
            Interlocked.Decrement(ref _count);
            return true;
        }

        return false;
    }
}
