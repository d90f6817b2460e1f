using EmotionML.Audio;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmotionML.Features;

/// <summary>
/// YIN F0 estimation on frames centred on the STFT frame grid (zero-padded at the edges). The difference
/// function comes from an FFT cross-correlation and running energies, as in librosa's <c>yin</c>; unlike
/// librosa's <c>yin</c>, which always returns a period, a frame with no dip below the threshold (or a silent
/// frame) is reported unvoiced, which gives the voiced fraction. One instance per thread.
/// </summary>
internal sealed class YinPitchTracker
{
    private readonly int _sampleRate;
    private readonly int _frameLength;
    private readonly int _window;
    private readonly int _minPeriod;
    private readonly int _maxPeriod;
    private readonly double _threshold;
    private readonly double _silence;
    private readonly RealFft64 _fft;
    private readonly float[] _frame;
    private readonly float[] _head;
    private readonly double[] _re1, _im1, _re2, _im2, _corr;
    private readonly double[] _norm;

    // Four frames' difference functions side by side (Lanes), lag after lag: lane g of lag t at t * Lanes + g.
    private const int Lanes = 4;
    private readonly double[] _laneDelta; // E(t..t+W) - E(t-1..t-1+W): the window energy's step at lag t
    private readonly double[] _laneCorr;
    private readonly double[] _laneNorm;
    private readonly double[] _laneHead = new double[Lanes];
    private double[] _energy = [], _headEnergy = []; // per frame: all of it, its first W samples
    private float[] _padded = [];
    private const int MaxRetainedSamples = 1 << 20;

    public YinPitchTracker(PitchOptions options, int sampleRate)
    {
        _sampleRate = sampleRate;
        int maxPeriod = (int)Math.Ceiling(sampleRate / options.MinFrequency);
        int length = 64;
        while (length < 2 * maxPeriod + 2)
        {
            length <<= 1;
        }

        _frameLength = length;
        _window = length / 2;
        _maxPeriod = Math.Min(maxPeriod, length - _window - 1);
        _minPeriod = Math.Max(2, (int)Math.Floor(sampleRate / options.MaxFrequency));
        _threshold = options.TroughThreshold;
        _silence = options.SilenceMeanSquare;
        _fft = new RealFft64(length);
        _frame = new float[length];
        _head = new float[length];
        _re1 = new double[length / 2 + 1];
        _im1 = new double[length / 2 + 1];
        _re2 = new double[length / 2 + 1];
        _im2 = new double[length / 2 + 1];
        _corr = new double[length];
        _norm = new double[_maxPeriod + 2];
        _laneDelta = new double[_norm.Length * Lanes];
        _laneCorr = new double[_norm.Length * Lanes];
        _laneNorm = new double[_norm.Length * Lanes];
    }

    /// <summary>Whether four frames' normalised differences are computed at once on vectors where they are accelerated (tests turn it off to compare).</summary>
    internal bool VectorLanes { get; init; } = true;

    /// <summary>Tracks F0 on <paramref name="frames"/> frames spaced <paramref name="hop"/> samples apart.</summary>
    public void Track(ReadOnlySpan<float> signal, int hop, int frames, Span<float> f0, Span<float> voiced)
    {
        var padded = FrameEnergies(signal, hop, frames);
        bool lanes = VectorLanes && Vector256.IsHardwareAccelerated;
        Span<int> group = stackalloc int[Lanes];
        int count = 0;
        for (int t = 0; t < frames; t++)
        {
            // A silent frame is unvoiced without being copied (a clip's leading and trailing silence is many frames).
            f0[t] = 0f;
            voiced[t] = 0f;
            if (Silent(_energy[t]))
            {
                continue;
            }

            if (!lanes)
            {
                padded.Slice(t * hop, _frameLength).CopyTo(_frame);
                Store(t, Estimate(_headEnergy[t]), f0, voiced);
                continue;
            }

            group[count++] = t;
            if (count == Lanes)
            {
                EstimateLanes(padded, hop, group, f0, voiced);
                count = 0;
            }
        }

        if (count > 0)
        {
            EstimateLanes(padded, hop, group[..count], f0, voiced);
        }
    }

    /// <summary>Frame t's estimate: its frequency (0 when unvoiced) and whether it is voiced.</summary>
    private static void Store(int t, float hz, Span<float> f0, Span<float> voiced)
    {
        f0[t] = hz;
        voiced[t] = hz > 0 ? 1f : 0f;
    }

    /// <summary>
    /// Up to four frames: each one's cross-correlation by FFT, then their normalised differences over every lag at
    /// once, one frame per lane of a <see cref="Vector256{T}"/> (each lane the same operations in the same order as
    /// the one-frame <see cref="Estimate"/>, so the same values bit for bit), then each frame's search. The sums of
    /// the difference function run lag after lag, a chain of dependent additions that one frame at a time left the
    /// processor mostly waiting on (half of the tracker's time); four chains side by side cost about as much as one.
    /// A missing lane (the clip's last group) repeats lane 0 and is ignored.
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    private void EstimateLanes(ReadOnlySpan<float> padded, int hop, ReadOnlySpan<int> group, Span<float> f0, Span<float> voiced)
    {
        int last = _norm.Length - 1;
        int w = _window;
        for (int g = 0; g < Lanes; g++)
        {
            if (g >= group.Length)
            {
                // A missing lane repeats lane 0's inputs (computed, not correlated again).
                _laneHead[g] = _laneHead[0];
                for (int lag = 1; lag <= last; lag++)
                {
                    _laneDelta[lag * Lanes + g] = _laneDelta[lag * Lanes];
                    _laneCorr[lag * Lanes + g] = _laneCorr[lag * Lanes];
                }

                continue;
            }

            int t = group[g];
            padded.Slice(t * hop, _frameLength).CopyTo(_frame);
            Correlate();
            _laneHead[g] = _headEnergy[t];
            for (int lag = 1; lag <= last; lag++)
            {
                _laneDelta[lag * Lanes + g] = (double)_frame[lag + w - 1] * _frame[lag + w - 1] - (double)_frame[lag - 1] * _frame[lag - 1];
                _laneCorr[lag * Lanes + g] = _corr[lag];
            }
        }

        ref double delta0 = ref MemoryMarshal.GetArrayDataReference(_laneDelta);
        ref double corr0 = ref MemoryMarshal.GetArrayDataReference(_laneCorr);
        ref double norm0 = ref MemoryMarshal.GetArrayDataReference(_laneNorm);
        var e0 = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_laneHead));
        var et = e0;
        var running = Vector256<double>.Zero;
        var two = Vector256.Create(2.0);
        var one = Vector256.Create(1.0);
        Vector256<double>.One.StoreUnsafe(ref norm0);
        for (int lag = 1; lag <= last; lag++)
        {
            nuint at = (nuint)(lag * Lanes);
            et += Vector256.LoadUnsafe(ref delta0, at);
            var d = Vector256.Max(Vector256<double>.Zero, e0 + et - two * Vector256.LoadUnsafe(ref corr0, at));
            running += d;
            var norm = d * Vector256.Create((double)lag) / running;
            Vector256.ConditionalSelect(Vector256.GreaterThan(running, Vector256<double>.Zero), norm, one).StoreUnsafe(ref norm0, at);
        }

        for (int g = 0; g < group.Length; g++)
        {
            Store(group[g], Search(_laneNorm.AsSpan(), Lanes, g), f0, voiced);
        }
    }

    /// <summary>
    /// Each frame's energy over its first W samples and over all of it, summed sample after sample in double as
    /// ever; eight frames side by side, one per lane of two vectors.
    /// The frames' zero padding adds nothing to a sum, so it is read from a zero-padded copy of the signal, which is
    /// returned: frame t is its <c>_frameLength</c> samples from <c>t * hop</c>.
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    private ReadOnlySpan<float> FrameEnergies(ReadOnlySpan<float> signal, int hop, int frames)
    {
        int half = _frameLength / 2;
        if (_energy.Length < frames)
        {
            _energy = new double[frames];
            _headEnergy = new double[frames];
        }

        // padded[k] = signal[k - half], zeros outside; frame t covers padded[t * hop ..][.._frameLength].
        long needed = Math.Max(signal.Length + 2L * half, (long)(frames - 1) * hop + _frameLength);
        // Kept for the next clip up to about a minute of audio; a longer recording's copy is not kept.
        var buffer = _padded;
        if (buffer.Length < needed)
        {
            buffer = new float[needed];
            if (needed <= MaxRetainedSamples)
            {
                _padded = buffer;
            }
        }

        var padded = buffer.AsSpan(0, (int)needed);
        padded[..half].Clear();
        signal.CopyTo(padded[half..]);
        padded[(half + signal.Length)..].Clear();

        int t = 0;
        if (Avx.IsSupported && _window % 8 == 0)
        {
            // Eight frames at a time, one per lane of two vectors (two independent chains of additions; each adds one
            // sample after another, in order). Each frame's next eight samples are one row of an 8 x 8 block, turned
            // into columns (one sample of the eight frames each) by register transposes: eight loads per eight samples
            // rather than 64 single-float reads. The last few frames (fewer than eight) one by one below, with the
            // same operations.
            ref float p = ref MemoryMarshal.GetReference(padded);
            Span<float> block = stackalloc float[64];
            ref float columns = ref MemoryMarshal.GetReference(block);
            for (; t + 8 <= frames; t += 8)
            {
                ref float first = ref Unsafe.Add(ref p, (nint)t * hop);
                var energy = Vector256<double>.Zero;
                var energy2 = Vector256<double>.Zero;
                for (int i = 0; i < _frameLength; i += 8)
                {
                    if (i == _window)
                    {
                        energy.StoreUnsafe(ref _headEnergy[t]);
                        energy2.StoreUnsafe(ref _headEnergy[t + 4]);
                    }

                    ColumnTranspose.Transpose8(ref Unsafe.Add(ref first, i), hop, ref columns, 8);
                    for (int s = 0; s < 8; s++)
                    {
                        var column = Vector256.LoadUnsafe(ref columns, (nuint)(s * 8));
                        var v = Vector256.WidenLower(column);
                        var v2 = Vector256.WidenUpper(column);
                        energy += v * v;
                        energy2 += v2 * v2;
                    }
                }

                energy.StoreUnsafe(ref _energy[t]);
                energy2.StoreUnsafe(ref _energy[t + 4]);
            }
        }

        for (; t < frames; t++)
        {
            var frame = padded.Slice(t * hop, _frameLength);
            double energy = 0;
            for (int i = 0; i < _window; i++)
            {
                energy += (double)frame[i] * frame[i];
            }

            _headEnergy[t] = energy;
            for (int i = _window; i < _frameLength; i++)
            {
                energy += (double)frame[i] * frame[i];
            }

            _energy[t] = energy;
        }

        return padded;
    }

    /// <summary>The current frame's (<c>_frame</c>) cross-correlation with its first W samples, into <c>_corr</c>.</summary>
    [MethodImpl(Kernel.Compile)]
    private void Correlate()
    {
        // r(tau) = sum_{j<W} x[j] x[j+tau], by FFT: conj(FFT(head)) * FFT(frame). The head's second half is never
        // written, so it stays zero.
        Array.Copy(_frame, _head, _window);
        _fft.Forward(_frame, ReadOnlySpan<double>.Empty, _re1, _im1);
        _fft.Forward(_head, ReadOnlySpan<double>.Empty, _re2, _im2);
        double scale = 1.0 / _frameLength;
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Four bins at a time, the same operations per bin.
            ref double r1 = ref MemoryMarshal.GetArrayDataReference(_re1);
            ref double i1 = ref MemoryMarshal.GetArrayDataReference(_im1);
            ref double r2 = ref MemoryMarshal.GetArrayDataReference(_re2);
            ref double i2 = ref MemoryMarshal.GetArrayDataReference(_im2);
            var s = Vector256.Create(scale);
            for (; k <= _re1.Length - Vector256<double>.Count; k += Vector256<double>.Count)
            {
                var a = Vector256.LoadUnsafe(ref r1, (nuint)k);
                var b = Vector256.LoadUnsafe(ref i1, (nuint)k);
                var c = Vector256.LoadUnsafe(ref r2, (nuint)k);
                var d = Vector256.LoadUnsafe(ref i2, (nuint)k);
                ((a * c + b * d) * s).StoreUnsafe(ref r1, (nuint)k);
                ((b * c - a * d) * s).StoreUnsafe(ref i1, (nuint)k);
            }
        }

        for (; k < _re1.Length; k++)
        {
            double re = _re1[k] * _re2[k] + _im1[k] * _im2[k];
            double im = _im1[k] * _re2[k] - _re1[k] * _im2[k];
            _re1[k] = re * scale;
            _im1[k] = im * scale;
        }

        _fft.Inverse(_re1, _im1, _corr);
    }

    /// <summary>One frame (<c>_frame</c>, not silent) without vectors: its normalised differences lag by lag, then the search.</summary>
    private float Estimate(double e0)
    {
        Correlate();

        // d(tau) = E(0..W) + E(tau..tau+W) - 2 r(tau), normalised by its running mean: EstimateLanes' operations.
        double et = e0, running = 0;
        _norm[0] = 1;
        for (int t = 1; t < _norm.Length; t++)
        {
            et += (double)_frame[t + _window - 1] * _frame[t + _window - 1] - (double)_frame[t - 1] * _frame[t - 1];
            double d = Math.Max(0, e0 + et - 2.0 * _corr[t]);
            running += d;
            _norm[t] = running > 0 ? d * t / running : 1;
        }

        return Search(_norm, 1, 0);
    }

    /// <summary>
    /// The cumulative-mean-normalised difference's first dip below the threshold within the period range, followed
    /// down to its local minimum and refined by a parabola through it and its neighbours: the frequency, or 0 when
    /// there is no dip. Lag t of the frame is <paramref name="norm"/>[t * <paramref name="stride"/> + <paramref name="lane"/>].
    /// </summary>
    [MethodImpl(Kernel.Compile)]
    private float Search(ReadOnlySpan<double> norm, int stride, int lane)
    {
        double best = double.MaxValue;
        int bestTau = -1;
        for (int tau = _minPeriod; tau <= _maxPeriod; tau++)
        {
            if (norm[tau * stride + lane] < _threshold)
            {
                while (tau + 1 <= _maxPeriod && norm[(tau + 1) * stride + lane] < norm[tau * stride + lane])
                {
                    tau++;
                }

                bestTau = tau;
                best = norm[tau * stride + lane];
                break;
            }
        }

        if (bestTau < 0 || best >= _threshold)
        {
            return 0f;
        }

        double shift = 0;
        if (bestTau > 1 && bestTau + 1 < _norm.Length)
        {
            double a = norm[(bestTau - 1) * stride + lane], b = norm[bestTau * stride + lane], c = norm[(bestTau + 1) * stride + lane];
            double denom = a - 2 * b + c;
            if (Math.Abs(denom) > 1e-12)
            {
                shift = Math.Clamp(0.5 * (a - c) / denom, -1, 1);
            }
        }

        return (float)(_sampleRate / (bestTau + shift));
    }

    private bool Silent(double energy) => energy / _frameLength < _silence;
}
