using Fire.Engines.Torch;
using static TorchSharp.torch;

namespace Fire.Attacks;

/// <summary>
/// SIG (Barni et al. 2019): adds a horizontal sinusoid, the same in every row and channel,
/// v(j) = delta * sin(2 pi j f / W) for column j, then clips to the valid range. Delta is in pixel levels of 255,
/// as BackdoorBench's sigTriggerAttack (delta 40, f 6).
/// </summary>
public sealed class SigTrigger : ImageTrigger
{
    public const string TriggerName = "sig";

    private readonly Tensor _signal; // (1, 1, 1, W) in [0, 1] units

    public SigTrigger(ImageShape shape, double delta, double frequency) : base(TriggerName, shape)
    {
        if (!(delta >= 0 && delta <= 255)) throw new ArgumentException($"--delta must be in [0, 255] pixel levels, got {delta}.");
        if (!(frequency > 0) || double.IsInfinity(frequency)) throw new ArgumentException($"--frequency must be positive, got {frequency}.");
        Delta = delta;
        Frequency = frequency;
        var signal = Enumerable.Range(0, shape.Width).Select(j => (float)Value(delta, frequency, j, shape.Width)).ToArray();
        _signal = Keep(tensor(signal, new long[] { 1, 1, 1, shape.Width }));
    }

    public double Delta { get; }
    public double Frequency { get; }

    /// <summary>The signal at column <paramref name="column"/> of an image <paramref name="width"/> wide, in [0, 1] units.</summary>
    public static double Value(double delta, double frequency, int column, int width) =>
        delta / 255.0 * Math.Sin(2 * Math.PI * column * frequency / width);

    protected override Tensor Transform(Tensor images) => images.add(_signal, HeldScalars.One).clamp_(HeldScalars.Zero, HeldScalars.One);
}
