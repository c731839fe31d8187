namespace Fire.Guard;

/// <summary>
/// FIRE around a deployed model: estimates trigger directions at named layers from a clean reference set and
/// observed poisoned samples, chooses where and how strongly to repair, and predicts with the repair.
/// <para>Thread safety: <see cref="Predict"/> may run on any number of threads while <see cref="Observe"/>,
/// <see cref="ObservePairs"/>, <see cref="FitClean"/> or <see cref="Reselect"/> run: predictions read one immutable
/// <see cref="RepairPlan"/>; updates (serialised among themselves) build the next plan and publish it atomically.</para>
/// <para>Re-selection: the automatic choice runs again whenever the observed count has doubled since the last choice
/// (1, 2, 4, ... when observing one at a time) or on <see cref="Reselect"/>; other updates keep the chosen layers,
/// modes and alphas and only refresh the directions and clean statistics (cheap).</para>
/// </summary>
public sealed class FireGuard : IRuntimeDefense
{
    private readonly object _update = new();
    private RepairPlan _plan = RepairPlan.None;
    private CleanReference? _clean;
    private PoisonObservations _observed;
    private int _selectedAt;
    private readonly CapturedActivations _captured = new();

    public FireGuard(ILayeredModel model, FireOptions? options = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Options = options ?? new FireOptions();
        Options.Validate();
        Layers = Options.CandidateLayers(model.LayerNames);
        _observed = new PoisonObservations(model.InputShape);
    }

    public string Name => "fire";
    public ILayeredModel Model { get; }
    public FireOptions Options { get; }
    /// <summary>The layers whose directions are estimated (and among which the choice is made).</summary>
    public IReadOnlyList<string> Layers { get; }
    /// <summary>The plan predictions use now.</summary>
    public RepairPlan Plan => Volatile.Read(ref _plan);
    public int ObservedCount { get { lock (_update) return _observed.Count; } }
    public DirectionSource Source { get { lock (_update) return _observed.Source; } }
    /// <summary>A model from outside Fire: its normalisation and class names, saved with the guard (null for Fire's checkpoints).</summary>
    public GuardModelInput? ModelInput { get; set; }
    /// <summary>Whether the guard can take more observations: it holds its clean reference (a guard saved without samples can only predict).</summary>
    public bool CanLearn { get { lock (_update) return _clean is not null; } }

    /// <summary>Sets the clean reference set (replacing any earlier one) and re-chooses the plan if samples were observed.</summary>
    public void FitClean(FloatBatch images, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        lock (_update)
        {
            _clean = CleanReference.Build(Model, images, labels, Layers, Options);
            if (_observed.Count > 0) Publish(select: true);
        }
    }

    /// <summary>Adds flagged poisoned samples (unpaired estimation); usable from the first sample on.</summary>
    public void Observe(FloatBatch poisoned)
    {
        lock (_update)
        {
            RequireClean();
            _observed.AddUnpaired(Model, poisoned, Layers, Options);
            Publish(select: ShouldReselect());
        }
    }

    /// <summary>Adds pairs (x, T(x)), row by row (paired estimation).</summary>
    public void ObservePairs(FloatBatch cleanOriginals, FloatBatch poisoned)
    {
        lock (_update)
        {
            RequireClean();
            _observed.AddPaired(Model, cleanOriginals, poisoned, Layers, Options);
            Publish(select: ShouldReselect());
        }
    }

    /// <summary>Runs the automatic choice now on everything observed so far and returns the new plan.</summary>
    public RepairPlan Reselect()
    {
        lock (_update)
        {
            RequireClean();
            if (_observed.Count == 0) throw new InvalidOperationException("Nothing to choose from: observe at least one poisoned sample first.");
            Publish(select: true);
            return Plan;
        }
    }

    /// <summary>The current direction estimate at <paramref name="layer"/> (for inspection and plots).</summary>
    public TriggerDirection Direction(string layer, DirectionDensity density = DirectionDensity.Dense)
    {
        lock (_update)
        {
            if (!Layers.Contains(layer))
                throw new ArgumentException($"Layer '{layer}' is not one this guard estimates. Its layers: {string.Join(", ", Layers)}.");
            var clean = RequireClean();
            if (_observed.Count == 0) throw new InvalidOperationException("No direction yet: observe at least one poisoned sample first.");
            return new TriggerDirection(layer, _observed.Beta(layer, clean, density), clean.Means[layer].Mean());
        }
    }

    /// <summary>Repaired predictions; Scores holds each input's score at the first repaired layer in clean standard deviations (null without a repair).</summary>
    public DefensePrediction Predict(FloatBatch images)
    {
        InputChecks.Images(Model, images, "input batch");
        var plan = Plan;
        if (plan.IsEmpty) return new DefensePrediction(ModelPredictions.Predict(Model, images, chunkSize: Options.BatchSize));
        var labels = new int[images.Count];
        var scores = new float[images.Count];
        foreach (var (start, chunk) in BatchSlicing.Chunks(images, Options.BatchSize))
        {
            var chunkScores = new float[chunk.Count];
            var logits = Model.Forward(chunk, plan.CreateAccess(Model.LayerNames, chunkScores));
            ModelPredictions.Argmax(logits).CopyTo(labels, start);
            chunkScores.CopyTo(scores, start);
        }
        return new DefensePrediction(labels, scores);
    }

    /// <summary>
    /// <see cref="IRuntimeDefense"/>: forgets earlier observations, then takes the clean reference and the observed samples
    /// (as pairs when the context has their originals).
    /// </summary>
    public void Fit(DefenseContext context)
    {
        if (!ReferenceEquals(context.Model, Model))
            throw new ArgumentException("The defense context names a different model from the one this guard wraps.");
        Restore(null, new PoisonObservations(Model.InputShape), RepairPlan.None, selectedAt: 0);
        FitClean(context.CleanReference, context.CleanLabels);
        if (context.ObservedPoisoned.Count == 0) return;
        if (context.PairedClean is null) Observe(context.ObservedPoisoned);
        else ObservePairs(context.PairedClean, context.ObservedPoisoned);
    }

    /// <summary>Writes directions, statistics, the plan and (by default) the samples needed to keep updating after a load.</summary>
    public void Save(string path, bool includeSamples = true)
    {
        lock (_update) FireFile.Write(path, this, _clean, _observed, Plan, _selectedAt, includeSamples);
    }

    /// <summary>Reads a guard saved with <see cref="Save"/> for <paramref name="model"/>; layer shapes must match the model's.</summary>
    public static FireGuard Load(string path, ILayeredModel model) => FireFile.Read(path, model);

    internal void Restore(CleanReference? clean, PoisonObservations observed, RepairPlan plan, int selectedAt)
    {
        lock (_update)
        {
            _clean = clean;
            _observed = observed;
            _selectedAt = selectedAt;
            Volatile.Write(ref _plan, plan);
        }
    }

    public void Dispose() { }

    private CleanReference RequireClean() =>
        _clean ?? throw new InvalidOperationException("No clean reference set: call FitClean(images, labels) first (a guard loaded without samples can only predict).");

    private bool ShouldReselect() => Options.FixedPlan is null && (_selectedAt == 0 || (Options.ReselectOnDoubling && _observed.Count >= 2 * _selectedAt));

    private void Publish(bool select)
    {
        var clean = RequireClean();
        RepairPlan plan;
        if (Options.FixedPlan is not null)
            plan = new RepairPlan(Options.FixedPlan.Select(setting => BuildRepair(clean, setting)).ToList(), _observed.EstimatedTarget(), _observed.Count);
        else if (select)
        {
            plan = RepairSelector.Choose(Model, Layers, clean, _observed, Options);
            _selectedAt = _observed.Count;
        }
        else
        {
            var current = Plan;
            plan = new RepairPlan(current.Repairs.Select(r => BuildRepair(clean, r.Setting)).ToList(),
                _observed.EstimatedTarget(), _observed.Count, current.Selection);
        }
        clean.KeepCached(plan.Repairs.Select(r => r.Layer));
        _captured.Keep(plan.Repairs.Select(r => r.Layer));
        Volatile.Write(ref _plan, plan);
    }

    /// <summary>
    /// A repair from the running means: the direction of all observed samples, score statistics of the clean fit part and
    /// of the captured observed samples (their activations kept between updates: an update runs the layer's head only over
    /// the samples new since the last one).
    /// </summary>
    private LayerRepair BuildRepair(CleanReference clean, RepairSetting setting)
    {
        var (layer, density) = (setting.Layer, setting.Density);
        var direction = new TriggerDirection(layer, _observed.Beta(layer, clean, density), clean.Means[layer].Mean());
        var poisoned = _captured.At(Model, _observed, layer, Options.BatchSize);
        var stats = CleanScoreStatistics.Measure(direction, clean.FitActivations(Model, layer, Options.BatchSize), Options.GateQuantile, poisoned);
        return new LayerRepair(direction, stats, setting);
    }
}
