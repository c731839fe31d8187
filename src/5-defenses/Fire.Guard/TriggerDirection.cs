using System.Numerics.Tensors;

namespace Fire.Guard;

/// <summary>
/// The trigger direction beta at one layer (flattened activation), with the clean mean mu it is measured from.
/// The score of an activation h is s = &lt;h - mu, u&gt; with u = beta / |beta| (0 everywhere when beta = 0).
/// </summary>
public sealed class TriggerDirection
{
    private readonly float _cleanMeanScore;

    public TriggerDirection(string layer, float[] beta, float[] cleanMean)
    {
        if (beta.Length != cleanMean.Length)
            throw new ArgumentException($"Layer '{layer}': the direction has {beta.Length} values, the clean mean {cleanMean.Length}.");
        if (!TensorPrimitives.IsFiniteAll<float>(beta) || !TensorPrimitives.IsFiniteAll<float>(cleanMean))
            throw new ArgumentException($"Layer '{layer}': the direction or the clean mean holds a non-finite value.");
        Layer = layer;
        Beta = beta;
        CleanMean = cleanMean;
        Norm = TensorPrimitives.Norm<float>(beta);
        Unit = new float[beta.Length];
        if (Norm > 0) TensorPrimitives.Divide(beta, Norm, Unit);
        _cleanMeanScore = TensorPrimitives.Dot<float>(cleanMean, Unit);
    }

    public string Layer { get; }
    public float[] Beta { get; }
    public float[] Unit { get; }
    public float[] CleanMean { get; }
    public float Norm { get; }
    public int Dimension => Beta.Length;
    /// <summary>&lt;mu, u&gt;, the part of every score that does not depend on the input (exporters reuse it to score alike).</summary>
    public float CleanMeanScore => _cleanMeanScore;

    public float Score(ReadOnlySpan<float> activation) => TensorPrimitives.Dot(activation, Unit) - _cleanMeanScore;
}
