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
    }

    /// <summary>Tracks F0 on <paramref name="frames"/> frames spaced <paramref name="hop"/> samples apart.</summary>
    public void Track(ReadOnlySpan<float> signal, int hop, int frames, Span<float> f0, Span<float> voiced)
    {
        int half = _frameLength / 2;
        for (int t = 0; t < frames; t++)
        {
            int start = t * hop - half;
            Array.Clear(_frame);
            int from = Math.Max(0, start), to = Math.Min(signal.Length, start + _frameLength);
            if (to > from)
            {
                signal[from..to].CopyTo(_frame.AsSpan(from - start));
            }

            float hz = Estimate();
            f0[t] = hz;
            voiced[t] = hz > 0 ? 1f : 0f;
        }
    }

    private float Estimate()
    {
        // The energy of the first W samples (e0, used below) is the running sum's value after W terms: one pass.
        double energy = 0;
        for (int i = 0; i < _window; i++)
        {
            energy += (double)_frame[i] * _frame[i];
        }

        double e0 = energy;
        for (int i = _window; i < _frameLength; i++)
        {
            energy += (double)_frame[i] * _frame[i];
        }

        if (energy / _frameLength < _silence)
        {
            return 0f;
        }

        // r(tau) = sum_{j<W} x[j] x[j+tau], by FFT: conj(FFT(head)) * FFT(frame).
        Array.Clear(_head);
        Array.Copy(_frame, _head, _window);
        _fft.Forward(_frame, ReadOnlySpan<double>.Empty, _re1, _im1);
        _fft.Forward(_head, ReadOnlySpan<double>.Empty, _re2, _im2);
        double scale = 1.0 / _frameLength;
        for (int k = 0; k < _re1.Length; k++)
        {
            double re = _re1[k] * _re2[k] + _im1[k] * _im2[k];
            double im = _im1[k] * _re2[k] - _re1[k] * _im2[k];
            _re1[k] = re * scale;
            _im1[k] = im * scale;
        }

        _fft.Inverse(_re1, _im1, _corr);

        // d(tau) = E(0..W) + E(tau..tau+W) - 2 r(tau)
        double et = e0;
        double running = 0;
        _norm[0] = 1;
        for (int tau = 1; tau < _norm.Length; tau++)
        {
            et += (double)_frame[tau + _window - 1] * _frame[tau + _window - 1] - (double)_frame[tau - 1] * _frame[tau - 1];
            double d = Math.Max(0, e0 + et - 2.0 * _corr[tau]);
            running += d;
            _norm[tau] = running > 0 ? d * tau / running : 1;
        }

        // Cumulative-mean-normalised difference: first dip below the threshold, then down to its local minimum.
        double best = double.MaxValue;
        int bestTau = -1;
        for (int tau = _minPeriod; tau <= _maxPeriod; tau++)
        {
            if (_norm[tau] < _threshold)
            {
                while (tau + 1 <= _maxPeriod && _norm[tau + 1] < _norm[tau])
                {
                    tau++;
                }

                bestTau = tau;
                best = _norm[tau];
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
            double a = _norm[bestTau - 1], b = _norm[bestTau], c = _norm[bestTau + 1];
            double denom = a - 2 * b + c;
            if (Math.Abs(denom) > 1e-12)
            {
                shift = Math.Clamp(0.5 * (a - c) / denom, -1, 1);
            }
        }

        return (float)(_sampleRate / (bestTau + shift));
    }
}
