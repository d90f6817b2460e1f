namespace EmotionML.Training.AutoML;

/// <summary>One searched hyper-parameter: a range, log or linear, integer or real, and the cheap value a search starts from.</summary>
/// <param name="Name">The trainer option it sets.</param>
/// <param name="Min">Lowest value.</param>
/// <param name="Max">Highest value.</param>
/// <param name="Start">The low-cost, robust value the search starts from.</param>
/// <param name="Log">Searched on a log scale.</param>
/// <param name="Integer">Rounded to an integer.</param>
public sealed record HyperParameter(string Name, double Min, double Max, double Start, bool Log = false, bool Integer = false)
{
    /// <summary>Maps a value to [0, 1].</summary>
    public double ToUnit(double value) => Log
        ? (Math.Log(value) - Math.Log(Min)) / (Math.Log(Max) - Math.Log(Min))
        : (value - Min) / (Max - Min);

    /// <summary>Maps [0, 1] back to a value (clamped, rounded when integer).</summary>
    public double FromUnit(double unit)
    {
        unit = Math.Clamp(unit, 0, 1);
        double v = Log ? Math.Exp(Math.Log(Min) + unit * (Math.Log(Max) - Math.Log(Min))) : Min + unit * (Max - Min);
        return Integer ? Math.Round(v) : v;
    }
}
