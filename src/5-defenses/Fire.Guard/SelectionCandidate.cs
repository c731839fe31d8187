namespace Fire.Guard;

/// <summary>A scored candidate of the automatic choice; its clean guards are measured only when it could be chosen.</summary>
internal sealed class SelectionCandidate(LayerRepair repair, IReadOnlyList<LayerRepair> foldRepairs, int layerIndex, HeldOutScore measured, double? separation)
{
    /// <summary>The deployed repair: direction from every observed sample.</summary>
    public LayerRepair Repair { get; } = repair;
    public RepairSetting Setting => Repair.Setting;
    /// <summary>The same setting with each fold's direction, applied while a later stage is scored.</summary>
    public IReadOnlyList<LayerRepair> FoldRepairs { get; } = foldRepairs;
    /// <summary>The layer's position among the candidate layers (shallower first).</summary>
    public int LayerIndex { get; } = layerIndex;
    public double RepairRate { get; } = measured.Rate;
    public double RepairScore { get; } = measured.Score;
    public double ScoreError { get; } = measured.StandardError;
    /// <summary>The layer's held-out separation (<see cref="CandidateScore.HeldOutSeparation"/>): a diagnostic, not ranked on.</summary>
    public double? Separation { get; } = separation;
    /// <summary>What <see cref="CleanGuards"/> read; null until measured.</summary>
    public CleanGuardReading? Guards { get; set; }
    public bool Admissible => Guards?.Admissible ?? false;

    public CandidateScore Score(int stage) =>
        new(Setting, RepairRate, RepairScore, Guards?.CleanDrop, Admissible, stage, Separation, ScoreError, Guards?.TargetClassDrop);
}
