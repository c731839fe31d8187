using Fire.Guard;

namespace Fire.Service.Serving;

/// <summary>What predictions use: one immutable plan and the version it belongs to. Updates swap in a new snapshot.</summary>
public sealed record GuardSnapshot(RepairPlan Plan, int Version, int ObservedCount);
