namespace Fire.Core;

/// <summary>
/// A detector of triggered inputs (STRIP, SCALE-UP, IBD-PSC, ...): scores each input, higher = more suspicious.
/// It is calibrated on the clean reference only, never on poisoned samples, so that it can serve as a flag source for
/// FIRE in a deployment where nobody hands it flagged inputs. Thresholds are set from the clean scores that
/// <see cref="Calibrate"/> returns (<see cref="DetectorThreshold"/>).
/// </summary>
public interface IInputDetector : IDisposable
{
    string Name { get; }

    /// <summary>Fits the detector to <paramref name="model"/> and the clean reference; returns the reference's own scores
    /// (computed as for unseen inputs wherever the method allows, e.g. excluding an image from its own overlays).</summary>
    float[] Calibrate(ILayeredModel model, FloatBatch cleanReference, int[] cleanLabels, int seed);

    /// <summary>One score per input, higher = more suspicious. Deterministic for a given calibration seed and input.</summary>
    float[] Score(FloatBatch images);
}
