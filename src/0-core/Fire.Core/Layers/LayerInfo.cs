namespace Fire.Core;

/// <summary>A named layer and the shape of its output activation for one sample (no batch dimension).</summary>
public sealed record LayerInfo(string Name, int[] ActivationShape)
{
    public int ActivationSize => ActivationShape.Aggregate(1, (a, d) => a * d);
    public override string ToString() => $"{Name} [{string.Join("x", ActivationShape)}]";
}
