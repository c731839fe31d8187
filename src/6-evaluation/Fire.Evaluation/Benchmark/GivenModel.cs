namespace Fire.Evaluation.Benchmark;

/// <summary>
/// A backdoored model the user brings to the benchmark (an .onnx file or a Fire checkpoint), measured as it is: no
/// training. Part of the recipe, so a cell's fingerprint changes with the file's bytes, the trigger or the preprocessing.
/// </summary>
/// <param name="File">The file as given.</param>
/// <param name="Sha256">The file's SHA-256.</param>
/// <param name="Attack">The attack whose trigger makes the flagged and the triggered test images.</param>
/// <param name="Trigger">The trigger's parameters, as <see cref="Fire.Attacks.Specs.AttackSpec.ParameterSummary"/> gives them.</param>
/// <param name="Target">The backdoor's target class.</param>
/// <param name="Input">The normalisation given for an ONNX graph, or null.</param>
public sealed record GivenModel(string File, string Sha256, string Attack, string Trigger, int Target, string? Input);

/// <summary>The backend for a <see cref="GivenModel"/>: every group runs on the one model, trigger and data set it holds (and does not dispose).</summary>
public sealed class GivenModelBackend(ILayeredModel model, Fire.Attacks.ITrigger trigger, int target, string modelKey, Fire.Data.DataSplit split) : IBenchmarkBackend
{
    public IPreparedModel Prepare(BenchmarkGroup group, BenchmarkRecipe recipe, Action<string> status, CancellationToken cancellation) =>
        new PreparedModel(model, trigger, target, modelKey, split, recipe, group.Seed, owned: null);
}
