namespace Fire.Defenses.Baselines;

/// <summary>The undefended model: the argmax of its logits. The reference every other defense is compared with.</summary>
public sealed class NoDefense : IRuntimeDefense
{
    public const string DefenseName = "none";
    private ILayeredModel? _model;

    public string Name => DefenseName;

    public void Fit(DefenseContext context)
    {
        DefenseInputs.CheckContext(Name, context, minimumClean: 0);
        _model = context.Model;
    }

    public DefensePrediction Predict(FloatBatch images)
    {
        var model = DefenseInputs.Fitted(Name, _model);
        DefenseInputs.CheckImages(Name, model, images, "input batch");
        return new DefensePrediction(ModelPredictions.Predict(model, images));
    }

    public void Dispose() { }
}
