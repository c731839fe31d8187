using Fire.Guard;

namespace Fire.Service.Serving;

/// <summary>What one flag request changed: how many images were new, the version after the update and what the update decided.</summary>
/// <param name="Decision">
/// <c>updated</c>: directions and statistics refreshed, layers and modes kept (the automatic choice did not run);
/// <c>kept</c> / <c>changed</c>: the automatic choice ran and kept or changed the repair;
/// <c>flags-judged-false</c>: it ran and found the flagged images like plain images of the target (no repair);
/// <c>refused-by-clean-guard</c>: it ran and every repair better than none cost too much clean accuracy;
/// <c>no-repair</c>: it ran and no repair beat the unrepaired model; <c>nothing-new</c>: every image was flagged before.</param>
public sealed record FlagOutcome(int Received, int Accepted, int Duplicates, int GuardVersion, int ObservedCount, bool Reselected, string Decision,
    string Plan, string? Selection, double RefitSeconds, long? JournalSeq);

/// <summary>Names what an update did, from the plan before and after it.</summary>
public static class UpdateDecision
{
    public static string Of(RepairPlan before, RepairPlan after, bool reselected)
    {
        if (!reselected) return "updated";
        var selection = after.Selection!;
        if (selection.TargetLikeness is { LooksLikeTarget: true } || selection.Capture is { InertPattern: true }) return "flags-judged-false";
        if (selection.Chosen is null)
            return selection.Candidates.Any(c => !c.Admissible && c.HeldOutRepairScore > selection.UnrepairedScore) ? "refused-by-clean-guard" : "no-repair";
        return before.Repairs.Select(r => r.ToString()).SequenceEqual(after.Repairs.Select(r => r.ToString())) ? "kept" : "changed";
    }
}
