using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EmotionML.Audio;
using NWaves.Filters.Fda;

namespace EmotionML.Features;

/// <summary>
/// Computes every frame-level feature from one shared STFT. Built from NWaves' primitives (real FFT, Slaney mel
/// filter bank, librosa-style chroma filter bank) plus the formulas librosa uses; see the README's conformance
/// section for how closely each matches librosa 0.10.2. Thread-safe: per-thread state lives in
/// <see cref="AnalysisWorkspace"/>s taken from a pool.
/// <para>
/// The per-frame kernels here and in the classes they call (FFT stages, projections, contrast, tuning, YIN, sums)
/// carry <see cref="Kernel.Compile"/>: <see cref="MethodImplOptions.AggressiveOptimization"/> where the JIT compiles
/// them (an application, <c>dotnet run</c>: optimised code at the first call instead of the slow first tiers), nothing
/// in the precompiled command-line tool, whose ReadyToRun image then holds them (the attribute would leave them out,
/// about 25 ms of JIT per process); tiering recompiles the hot ones for the machine (benchmarks/README.md, sessions 16
/// and 18).
/// </para>
/// </summary>
internal sealed class FrameAnalyzer
{
    private const float Amin = 1e-10f;

    private readonly FeatureOptions _options;
    private readonly double[] _window;      // FftSize long, periodic Hann centred
    private readonly float[] _frequencies32; // bin centre frequencies
    private readonly SparseFilterBank _mel;
    private readonly float[] _dct;          // MfccCount × MelBandCount, orthonormal DCT-II
    // Chroma banks by tuning, flattened rows × bins; a clip's estimate is one of 100 values, so the array stays short.
    // An array under a lock rather than a ConcurrentDictionary<double, …> (or a List of a struct): those generic
    // instantiations are JIT-compiled in every process (about 3 ms), where this code is precompiled.
    private TunedBank[] _chromaBanks = [];
    private readonly Lock _chromaBanksLock = new();
    private readonly ConcurrentBag<AnalysisWorkspace> _workspaces = new();

    public FrameAnalyzer(FeatureOptions options)
    {
        options.Validate();
        _options = options;
        var stft = options.Stft;
        int n = stft.FftSize, win = stft.EffectiveWindowLength;
        _window = new double[n];
        int offset = (n - win) / 2;
        for (int i = 0; i < win; i++)
        {
            _window[offset + i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / win);
        }

        _frequencies32 = new float[stft.BinCount];
        for (int k = 0; k < _frequencies32.Length; k++)
        {
            _frequencies32[k] = (float)(k * (double)options.SampleRate / n);
        }

        _mel = new SparseFilterBank(FilterBanks.MelBankSlaney(options.MelBandCount, n, options.SampleRate, 0, options.SampleRate / 2.0, true));
        _dct = new float[options.MfccCount * options.MelBandCount];
        int m = options.MelBandCount;
        for (int c = 0; c < options.MfccCount; c++)
        {
            double scale = c == 0 ? Math.Sqrt(1.0 / m) : Math.Sqrt(2.0 / m);
            for (int j = 0; j < m; j++)
            {
                _dct[c * m + j] = (float)(scale * Math.Cos(Math.PI * c * (2 * j + 1) / (2.0 * m)));
            }
        }
    }

    public FeatureOptions Options => _options;

    public FrameFeatures Analyze(ReadOnlySpan<float> signal, FeatureKinds kinds)
    {
        if (kinds.HasFlag(FeatureKinds.DeltaMfcc))
        {
            kinds |= FeatureKinds.Mfcc;
        }

        var ws = _workspaces.TryTake(out var w) ? w : new AnalysisWorkspace(_options);
        try
        {
            return Analyze(signal, kinds, ws, null);
        }
        finally
        {
            _workspaces.Add(ws);
        }
    }

    /// <summary>
    /// Every feature, pooled into a vector of <paramref name="columns"/> values before the workspace is given back:
    /// the frame-level matrices live in the workspace's reused storage and never leave this call, so a clip's
    /// analysis allocates little more than the vector it returns.
    /// </summary>
    public float[] AnalyzeAndPool(ReadOnlySpan<float> signal, int columns)
    {
        var ws = _workspaces.TryTake(out var w) ? w : new AnalysisWorkspace(_options);
        try
        {
            ws.Matrices.Reset();
            var frames = Analyze(signal, FeatureKinds.All, ws, ws.Matrices);
            return Pooling.Pool(frames, _options, columns);
        }
        finally
        {
            _workspaces.Add(ws);
        }
    }

    /// <summary>
    /// The mel matrix of <paramref name="signal"/> handed to <paramref name="use"/> before the workspace is given back:
    /// its storage (exactly bands × frames) stays in the workspace and is reused by the next clip of the same length,
    /// so a timeline's windows allocate no spectrogram (one would land on the large-object heap, which only a full
    /// collection frees). The matrix is valid only during <paramref name="use"/>.
    /// </summary>
    public T AnalyzeMel<T>(ReadOnlySpan<float> signal, Func<FeatureMatrix, T> use)
    {
        var ws = _workspaces.TryTake(out var w) ? w : new AnalysisWorkspace(_options);
        try
        {
            long size = (long)_options.MelBandCount * _options.Stft.FrameCount(signal.Length);
            float[]? storage = null;
            if (size <= MatrixArena.MaxFloats)
            {
                if (ws.LogMel.Length != size)
                {
                    ws.LogMel = new float[size];
                }

                storage = ws.LogMel;
            }

            return use(Analyze(signal, FeatureKinds.Mel, ws, null, storage).Mel!);
        }
        finally
        {
            _workspaces.Add(ws);
        }
    }

    /// <summary>A zero matrix: from the arena when the caller pools at once, else one the caller owns.</summary>
    private static FeatureMatrix NewMatrix(MatrixArena? arena, int rows, int frames) => arena?.Take(rows, frames) ?? new FeatureMatrix(rows, frames);

    [MethodImpl(Kernel.Compile)]
    private FrameFeatures Analyze(ReadOnlySpan<float> signal, FeatureKinds kinds, AnalysisWorkspace ws, MatrixArena? arena, float[]? melStorage = null)
    {
        var stft = _options.Stft;
        int n = stft.FftSize, hop = stft.HopLength, bins = stft.BinCount;
        int frames = stft.FrameCount(signal.Length);
        var result = new FrameFeatures(frames, _options.SampleRate, signal.Length);

        // Centre padding with zeros, n_fft / 2 on each side (librosa's stft and rms).
        int padded = signal.Length + n;
        if (ws.Padded.Length < padded)
        {
            ws.Padded = new float[padded];
        }

        var pad = ws.Padded.AsSpan(0, padded);
        pad[..(n / 2)].Clear();
        signal.CopyTo(pad[(n / 2)..]);
        pad[(n / 2 + signal.Length)..].Clear();

        bool wantMel = (kinds & (FeatureKinds.Mel | FeatureKinds.Mfcc)) != 0;
        bool wantChroma = kinds.HasFlag(FeatureKinds.Chroma);
        bool estimateTuning = wantChroma && _options.Chroma.Tuning is null;
        bool chromaFromPower = _options.Chroma.Spectrum == ChromaSpectrum.Power;

        // When chroma keeps the whole power spectrogram (bins × frames), the mel bank runs over it afterwards, across
        // frames; otherwise frame by frame. The same in-order sums either way (SparseFilterBank).
        bool melFromSpectrogram = wantMel && wantChroma && chromaFromPower;
        bool spectral = (kinds & (FeatureKinds.Mel | FeatureKinds.Mfcc | FeatureKinds.Chroma | FeatureKinds.Contrast | FeatureKinds.Rolloff
            | FeatureKinds.Centroid | FeatureKinds.Bandwidth | FeatureKinds.Flatness)) != 0;

        var mel = !wantMel ? null
            : melStorage is not null ? new FeatureMatrix(_options.MelBandCount, frames, melStorage)
            : NewMatrix(arena, _options.MelBandCount, frames);
        var peak = kinds.HasFlag(FeatureKinds.Contrast) ? NewMatrix(arena, ws.Peak.Length, frames) : null;
        var valley = peak is null ? null : NewMatrix(arena, ws.Peak.Length, frames);
        var centroid = kinds.HasFlag(FeatureKinds.Centroid) || kinds.HasFlag(FeatureKinds.Bandwidth) ? NewMatrix(arena, 1, frames) : null;
        var bandwidth = kinds.HasFlag(FeatureKinds.Bandwidth) ? NewMatrix(arena, 1, frames) : null;
        var rolloff = kinds.HasFlag(FeatureKinds.Rolloff) ? NewMatrix(arena, 1, frames) : null;
        var flatness = kinds.HasFlag(FeatureKinds.Flatness) ? NewMatrix(arena, 1, frames) : null;
        if (wantChroma && ws.Spectrogram.Length < (long)frames * bins)
        {
            ws.Spectrogram = new float[(long)frames * bins];
        }

        ws.Tuning.Reset();
        if (spectral)
        {
            var magnitude = ws.Magnitude.AsSpan();
            for (int t = 0; t < frames; t++)
            {
                // Double precision, then kept in float32 as librosa's complex64 STFT. When chroma keeps the power
                // spectrogram, the power is written straight into the frame's row of the block on its way there.
                int slot = t % ColumnTranspose.Block;
                var power = wantChroma && chromaFromPower ? ws.FrameBlock.AsSpan(slot * bins, bins) : ws.Power.AsSpan();
                float maxPower = ws.Fft.ForwardPower(pad.Slice(t * hop, n), _window, power, magnitude);

                if (wantMel && !melFromSpectrogram)
                {
                    _mel.Apply(power, ws.MelColumn);
                    StoreColumn(ws.MelColumn, mel!, t);
                }

                if (wantChroma)
                {
                    // Kept bins × frames for the projections, eight frames at a time.
                    var keep = chromaFromPower ? power : magnitude;
                    if (!chromaFromPower)
                    {
                        keep.CopyTo(ws.FrameBlock.AsSpan(slot * bins, bins));
                    }

                    if (slot == ColumnTranspose.Block - 1 || t == frames - 1)
                    {
                        ColumnTranspose.Store(ws.FrameBlock, slot + 1, bins, ws.Spectrogram, frames, t - slot);
                    }

                    if (estimateTuning)
                    {
                        // The square root is monotone and correctly rounded: the largest magnitude is sqrt of the largest power.
                        ws.Tuning.AddFrame(keep, chromaFromPower ? maxPower : MathF.Sqrt(maxPower), _options.SampleRate, n);
                    }
                }

                if (centroid is not null || rolloff is not null)
                {
                    SpectralShape(magnitude, t, centroid, bandwidth, rolloff);
                }

                if (flatness is not null)
                {
                    flatness[0, t] = Flatness(power);
                }

                if (peak is not null)
                {
                    ws.Contrast.Compute(magnitude, ws.Peak, ws.Valley);
                    StoreColumn(ws.Peak, peak, t);
                    StoreColumn(ws.Valley, valley!, t);
                }
            }
        }

        if (melFromSpectrogram)
        {
            _mel.ApplyAcrossFrames(ws.Spectrogram, frames, mel!.Values);
        }

        if (kinds.HasFlag(FeatureKinds.Mel))
        {
            result.Mel = mel;
        }

        if (kinds.HasFlag(FeatureKinds.Mfcc))
        {
            result.Mfcc = Mfcc(mel!, ws, arena);
        }

        if (kinds.HasFlag(FeatureKinds.DeltaMfcc))
        {
            result.DeltaMfcc = DeltaFilter.Apply(result.Mfcc!, _options.DeltaWidth, arena);
        }

        if (wantChroma)
        {
            double tuning = _options.Chroma.Tuning ?? ws.Tuning.Estimate(_options.Chroma.BinCount);
            result.ChromaTuning = tuning;
            result.Chroma = Chroma(ws.Spectrogram, frames, bins, tuning, arena);
        }

        if (peak is not null)
        {
            PowerToDb(peak.Values);
            PowerToDb(valley!.Values);
            SpanMath.Subtract(peak.Values, valley.Values, peak.Values);
            result.Contrast = peak;
        }

        result.Centroid = kinds.HasFlag(FeatureKinds.Centroid) ? centroid : null;
        result.Bandwidth = bandwidth;
        result.Rolloff = rolloff;
        result.Flatness = flatness;

        if (kinds.HasFlag(FeatureKinds.Rms))
        {
            var rms = NewMatrix(arena, 1, frames);
            for (int t = 0; t < frames; t++)
            {
                var x = pad.Slice(t * hop, n);
                rms[0, t] = (float)Math.Sqrt(SpanMath.SumOfSquares(x) / n);
            }

            result.Rms = rms;
        }

        if (kinds.HasFlag(FeatureKinds.ZeroCrossingRate))
        {
            result.ZeroCrossingRate = ZeroCrossingRate(signal, frames, n, hop, ws, arena);
        }

        if (kinds.HasFlag(FeatureKinds.Pitch))
        {
            var f0 = NewMatrix(arena, 1, frames);
            var voiced = NewMatrix(arena, 1, frames);
            ws.Pitch.Track(signal, hop, frames, f0.Values, voiced.Values);
            result.F0 = f0;
            result.Voiced = voiced;
        }

        return result;
    }

    /// <summary>One frame's values into column <paramref name="t"/> of a row-major matrix.</summary>
    [MethodImpl(Kernel.Compile)]
    private static void StoreColumn(ReadOnlySpan<float> column, FeatureMatrix matrix, int t)
    {
        var data = matrix.Data.AsSpan(t);
        int frames = matrix.Frames;
        for (int row = 0; row < column.Length; row++)
        {
            data[row * frames] = column[row];
        }
    }

    [MethodImpl(Kernel.Compile)]
    private void SpectralShape(ReadOnlySpan<float> magnitude, int t, FeatureMatrix? centroid, FeatureMatrix? bandwidth, FeatureMatrix? rolloff)
    {
        float total = SpanMath.Sum(magnitude);

        // librosa normalises each frame by its L1 norm unless that norm is below float32's tiny.
        float norm = total < 1.17549435e-38f ? 1f : total;
        float c = SpanMath.Dot(magnitude, _frequencies32) / norm;
        if (centroid is not null)
        {
            centroid[0, t] = c;
        }

        if (bandwidth is not null)
        {
            bandwidth[0, t] = MathF.Sqrt(SpanMath.WeightedSquaredDeviations(_frequencies32, c, magnitude) / norm);
        }

        if (rolloff is not null)
        {
            float threshold = (float)(_options.RolloffPercent * total);
            rolloff[0, t] = _frequencies32[RolloffBin(magnitude, threshold)];
        }
    }

    /// <summary>
    /// The first bin at which the float32 cumulative sum of <paramref name="magnitude"/>, added bin after bin as
    /// librosa's <c>cumsum</c> does, reaches <paramref name="threshold"/> (the last bin if none does).
    /// That sum is one chain of dependent additions, a few cycles per bin. Instead, a double-precision sum of blocks
    /// of 16 bins finds the candidate bin K; the float sum after k bins lies within k·2⁻²⁴ of the exact sum (relative,
    /// magnitudes being non-negative), and it never decreases, so when the double sums at K - 1 and K clear the
    /// threshold by more than that bound, the float sum crosses at K too. Otherwise (about one frame in a hundred)
    /// the float sum is run as librosa runs it. Either way the result is the float definition's, exactly.
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    internal static int RolloffBin(ReadOnlySpan<float> magnitude, float threshold)
    {
        int bins = magnitude.Length, k = 0;
        double before = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float m0 = ref MemoryMarshal.GetReference(magnitude);
            for (; k <= bins - 16; k += 16)
            {
                var a = Vector256.LoadUnsafe(ref m0, (nuint)k);
                var b = Vector256.LoadUnsafe(ref m0, (nuint)(k + 8));
                double block = Vector256.Sum(Vector256.WidenLower(a) + Vector256.WidenUpper(a) + Vector256.WidenLower(b) + Vector256.WidenUpper(b));
                if (before + block >= threshold)
                {
                    break;
                }

                before += block;
            }
        }

        // Bin by bin from the block that crosses (or from the first bin without vectors).
        int bin = -1;
        double at = before;
        for (; k < bins; k++)
        {
            before = at;
            at += magnitude[k];
            if (at >= threshold)
            {
                bin = k;
                break;
            }
        }

        if (bin >= 0)
        {
            // Error bounds of the float sums at bin and bin - 1 (bin + 1 and bin terms), with room for the double sums'.
            const double Unit = 1.0 / (1 << 24) * 1.001;
            if (at - (bin + 1) * Unit * at >= threshold && before + bin * Unit * before < threshold)
            {
                return bin;
            }
        }

        // Too close to call (or never reached): the float sum itself.
        float cumulative = 0;
        for (int j = 0; j < bins; j++)
        {
            cumulative += magnitude[j];
            if (cumulative >= threshold)
            {
                return j;
            }
        }

        return bins - 1;
    }

    /// <summary>
    /// librosa's spectral_flatness on the power spectrum with amin 1e-10: geometric over arithmetic mean, in double.
    /// The logarithm of the geometric mean is the logarithm of the product of all bins. Products of 16 bins cannot
    /// underflow or overflow (each factor is between 1e-10 and a power spectrum's largest values); each such block
    /// product is multiplied into a running product whose binary exponent is moved into an integer sum after every
    /// block (exact: only the mantissa is kept), so a frame needs one logarithm per lane at the end rather than one
    /// per 16 bins (the logarithms were most of flatness's cost). Only the rounding of the products and the order of
    /// the double sums differ from a log per bin, a relative difference near 1e-15 in the double result (tested).
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    internal static float Flatness(ReadOnlySpan<float> power)
    {
        double logSum = 0, sum = 0;
        int k = 0;
        if (Vector256.IsHardwareAccelerated && power.Length >= 128)
        {
            ref float p0 = ref MemoryMarshal.GetReference(power);
            var amin = Vector256.Create(Amin);
            // Four products (eight bins each per lane and block) and four sums, so that no multiplication or addition
            // waits for the one before it.
            Vector256<double> sum0 = Vector256<double>.Zero, sum1 = sum0, sum2 = sum0, sum3 = sum0;
            Vector256<double> lowerRun = Vector256<double>.One, upperRun = Vector256<double>.One;
            Vector256<long> exponents = Vector256<long>.Zero;
            for (; k <= power.Length - 128; k += 128)
            {
                Vector256<double> p0Lo = Vector256<double>.One, p0Hi = p0Lo, p1Lo = p0Lo, p1Hi = p0Lo;
                for (int j = k; j < k + 128; j += 2 * Vector256<float>.Count)
                {
                    // Powers are never NaN: the processor's maximum (one instruction on AVX2) is the maximum.
                    var a = Vector256.MaxNative(amin, Vector256.LoadUnsafe(ref p0, (nuint)j));
                    var b = Vector256.MaxNative(amin, Vector256.LoadUnsafe(ref p0, (nuint)(j + Vector256<float>.Count)));
                    var aLo = Vector256.WidenLower(a);
                    var aHi = Vector256.WidenUpper(a);
                    var bLo = Vector256.WidenLower(b);
                    var bHi = Vector256.WidenUpper(b);
                    sum0 += aLo;
                    sum1 += aHi;
                    sum2 += bLo;
                    sum3 += bHi;
                    p0Lo *= aLo;
                    p0Hi *= aHi;
                    p1Lo *= bLo;
                    p1Hi *= bHi;
                }

                // Each lane of a pair's product covers 16 bins of the block: at least 1e-160, so no underflow.
                lowerRun = Renormalise(lowerRun * (p0Lo * p1Lo), ref exponents);
                upperRun = Renormalise(upperRun * (p0Hi * p1Hi), ref exponents);
            }

            var sums = (sum0 + sum1) + (sum2 + sum3);

            // Both runs' mantissas are in [1, 2): their product cannot overflow.
            var mantissas = lowerRun * upperRun;
            for (int lane = 0; lane < Vector256<double>.Count; lane++)
            {
                logSum += Math.Log(mantissas.GetElement(lane));
            }

            logSum += Vector256.Sum(exponents) * Math.Log(2.0);
            sum = Vector256.Sum(sums);
        }

        while (k < power.Length)
        {
            double product = 1;
            int end = Math.Min(power.Length, k + 16);
            for (; k < end; k++)
            {
                double v = Math.Max(Amin, power[k]);
                sum += v;
                product *= v;
            }

            logSum += Math.Log(product);
        }

        return (float)(Math.Exp(logSum / power.Length) / (sum / power.Length));

        // x = m * 2^e with m in [1, 2): adds e to the exponents and returns m (x is positive and normal). Inlined: a call
        // passing vectors keeps the caller out of the tool's ReadyToRun image (crossgen2: "ABI unstable type").
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector256<double> Renormalise(Vector256<double> x, ref Vector256<long> exponents)
        {
            var bits = x.AsInt64();
            exponents += (bits >>> 52) - Vector256.Create(1023L);
            return ((bits & Vector256.Create(0x000F_FFFF_FFFF_FFFFL)) | Vector256.Create(0x3FF0_0000_0000_0000L)).AsDouble();
        }
    }

    private FeatureMatrix Mfcc(FeatureMatrix mel, AnalysisWorkspace ws, MatrixArena? arena)
    {
        int bands = mel.Rows, frames = mel.Frames, count = _options.MfccCount;
        // A clip's dB copy is rented; a long recording's is not (the pool would keep a large array alive).
        var melValues = mel.Values;
        bool rent = melValues.Length <= MatrixArena.MaxFloats;
        var buffer = rent ? System.Buffers.ArrayPool<float>.Shared.Rent(melValues.Length) : new float[melValues.Length];
        var db = buffer.AsSpan(0, melValues.Length);
        melValues.CopyTo(db);
        PowerToDb(db);
        var mfcc = NewMatrix(arena, count, frames);
        FrameProjection.Project(_dct, count, bands, db, frames, mfcc.Values);

        if (rent)
        {
            System.Buffers.ArrayPool<float>.Shared.Return(buffer);
        }

        return mfcc;
    }

    /// <summary>librosa's power_to_db(S, ref=1, amin=1e-10, top_db) in place, with the maximum over the whole matrix.</summary>
    private void PowerToDb(Span<float> values)
    {
        SpanMath.Max(values, Amin, values);
        SpanMath.Log10(values, values);
        SpanMath.Multiply(values, 10f, values);
        float floor = SpanMath.Max(values) - (float)_options.TopDb;
        SpanMath.Max(values, floor, values);
    }

    /// <summary>A bank's rows, each cut to <paramref name="bins"/> weights, one after another (row-major).</summary>
    private static float[] Flatten(float[][] rows, int bins)
    {
        var flat = new float[rows.Length * bins];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r].AsSpan(0, bins).CopyTo(flat.AsSpan(r * bins));
        }

        return flat;
    }

    /// <summary>A chroma bank and the tuning it was made for.</summary>
    private readonly record struct TunedBank(double Tuning, float[] Bank);

    /// <summary>The chroma bank for a tuning, made once per tuning value and kept.</summary>
    private float[] ChromaBank(double tuning, int bins)
    {
        lock (_chromaBanksLock)
        {
            if (KeptBank(tuning) is { } kept)
            {
                return kept;
            }
        }

        // Made outside the lock (another thread may make the same one meanwhile: the first kept wins).
        var made = Flatten(ChromaFilterBank.Create(_options.Stft.FftSize, _options.SampleRate, _options.Chroma.BinCount, tuning, 5.0, 2.0), bins);
        lock (_chromaBanksLock)
        {
            if (KeptBank(tuning) is { } kept)
            {
                return kept;
            }

            // A new, longer array, so that a reader holding the previous one is never disturbed.
            var longer = new TunedBank[_chromaBanks.Length + 1];
            _chromaBanks.CopyTo(longer, 0);
            longer[^1] = new TunedBank(tuning, made);
            _chromaBanks = longer;
            return made;
        }
    }

    /// <summary>The kept bank for a tuning, or null (the caller holds the lock).</summary>
    private float[]? KeptBank(double tuning)
    {
        foreach (var (t, bank) in _chromaBanks)
        {
            if (t == tuning)
            {
                return bank;
            }
        }

        return null;
    }

    /// <summary>Chroma from the kept spectrogram (bins × frames, row-major), each frame scaled to a maximum of one.</summary>
    [MethodImpl(Kernel.Compile)]
    private FeatureMatrix Chroma(float[] spectrogram, int frames, int bins, double tuning, MatrixArena? arena)
    {
        var bank = ChromaBank(Math.Round(tuning, 9), bins);
        int count = _options.Chroma.BinCount;
        var chroma = NewMatrix(arena, count, frames);
        var values = chroma.Values;
        FrameProjection.Project(bank, count, bins, spectrogram, frames, values);
        for (int t = 0; t < frames; t++)
        {
            float max = 0;
            for (int c = 0; c < count; c++)
            {
                max = Math.Max(max, Math.Abs(values[c * frames + t]));
            }

            // librosa's normalize(norm=inf): frames whose maximum is below float32's tiny stay as they are.
            float scale = max < 1.17549435e-38f ? 1f : 1f / max;
            for (int c = 0; c < count; c++)
            {
                values[c * frames + t] *= scale;
            }
        }

        return chroma;
    }

    /// <summary>
    /// librosa's zero_crossing_rate: edge-padded centred frames, |x| &lt;= 1e-10 counts as +0, crossings / frame
    /// length. Edge padding repeats the end samples, so it adds no crossing: a frame's count is the number of sign
    /// changes at indices in (first, last] of its clamped span. Both ends grow with the frame, so one walk over the
    /// signal, from boundary to boundary, gives every frame's count, each sample read once.
    /// </summary>
    private static FeatureMatrix ZeroCrossingRate(ReadOnlySpan<float> signal, int frames, int frameLength, int hop, AnalysisWorkspace ws, MatrixArena? arena)
    {
        var zcr = NewMatrix(arena, 1, frames);
        int top = Math.Max(0, signal.Length - 1), half = frameLength / 2;
        if (ws.Crossings.Length < 2 * frames)
        {
            ws.Crossings = new int[2 * frames];
        }

        // Changes at indices 1..p, at each frame's first index (entries 0..frames-1) and last index (frames..).
        var atFirst = ws.Crossings.AsSpan(0, frames);
        var atLast = ws.Crossings.AsSpan(frames, frames);
        int f = 0, l = 0, position = 0, count = 0;
        while (l < frames)
        {
            int first = f < frames ? First(f) : int.MaxValue, last = Last(l);
            int next = Math.Min(first, last);
            count += SignChanges(signal, position, next);
            position = next;
            if (first == next)
            {
                atFirst[f++] = count;
            }
            else
            {
                atLast[l++] = count;
            }
        }

        for (int t = 0; t < frames; t++)
        {
            zcr[0, t] = (float)(atLast[t] - atFirst[t]) / frameLength;
        }

        return zcr;

        int First(int t) => Math.Clamp(t * hop - half, 0, top);
        int Last(int t) => Math.Clamp(t * hop - half + frameLength - 1, 0, top);
    }

    /// <summary>Sign changes (below -1e-10 or not) between consecutive samples at indices in (from, to].</summary>
    [MethodImpl(Kernel.Compile)]
    private static int SignChanges(ReadOnlySpan<float> signal, int from, int to)
    {
        int count = 0, i = from + 1;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float x = ref MemoryMarshal.GetReference(signal);
            var threshold = Vector256.Create(-1e-10f);
            for (; i + Vector256<float>.Count - 1 <= to; i += Vector256<float>.Count)
            {
                var current = Vector256.LessThan(Vector256.LoadUnsafe(ref x, (nuint)i), threshold);
                var previous = Vector256.LessThan(Vector256.LoadUnsafe(ref x, (nuint)(i - 1)), threshold);
                count += System.Numerics.BitOperations.PopCount((current ^ previous).ExtractMostSignificantBits());
            }
        }

        for (; i <= to; i++)
        {
            count += Negative(signal[i]) != Negative(signal[i - 1]) ? 1 : 0;
        }

        return count;

        static bool Negative(float v) => v < -1e-10f;
    }
}
