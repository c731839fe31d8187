namespace Fire.Guard;

/// <summary>
/// Choice: the admissible candidate (<see cref="CleanGuards"/>) with the highest held-out repair score; candidates within 2% of the
/// observed samples (whole samples) of the best count as tied and are ordered by smaller clean drop (a negative drop
/// counts as none: a backdoor repair does not make clean inputs more accurate, except by chance), gated modes
/// before ungated and projection before translation, sparse directions before dense (the smaller intervention),
/// smaller alpha, shallower layer (among near-equal scores an earlier repair leaves more of the network to rebuild
/// the class: measured on Blended and SIG, docs/fire.md).
/// No repair when nothing beats the unrepaired model's score.
/// <list type="bullet">
/// <item>Reported, not ranked on: each layer's held-out separation (<see cref="CandidateScore.HeldOutSeparation"/>). Ranking ties by it
///   before mode or depth was measured on the small CNN and ResNet-20 and not kept: it helped BadNets and cost SIG and Blended up to
///   13 points of PA (on the small CNN it points deeper for full-image triggers too, which an early repair restores best).</item>
/// <item>Reported, not ranked on: each candidate's standard error of the repair score (<see cref="CandidateScore.HeldOutRepairScoreError"/>),
///   which tells how far a score from few samples can be trusted (median 0.06 at k = 10, 0.045 at k = 20). Widening the ties to one standard
///   error of the best (the one-standard-error rule of cross-validated selection) was measured at k = 10 and 20 on seven models and
///   three sample draws each and not kept: with the tie-break above it took gated and milder repairs that the few samples could not
///   tell apart, and mean ASR rose from 5.6% to 9.3% at k = 10 (docs/fire-small-k.md).</item>
/// </list>
/// </summary>
internal static class CandidatePick
{
    private static readonly RepairMode[] InterventionOrder =
        [RepairMode.GatedProjection, RepairMode.GatedTranslate, RepairMode.Projection, RepairMode.Translate];

    /// <summary>How far below the best score a candidate still ties: 2% of the scored samples, in whole samples.</summary>
    public static double Tolerance(int scoredCount) => Math.Floor(0.02 * scoredCount) / scoredCount + 1e-9;

    /// <summary>
    /// Walks the candidates from the highest repair score down, measuring the clean guards only on the way: the first
    /// admissible one fixes the best score, the walk ends at <paramref name="toBeat"/> or below best - tolerance, and the
    /// tie-break picks among the admissible ones seen within the tolerance.
    /// </summary>
    public static SelectionCandidate? Pick(IReadOnlyList<SelectionCandidate> candidates, double toBeat, double tolerance, Func<SelectionCandidate, CleanGuardReading> guard)
    {
        double? best = null;
        var tied = new List<SelectionCandidate>();
        foreach (var candidate in candidates.OrderByDescending(c => c.RepairScore).ThenBy(c => c.LayerIndex))
        {
            if (candidate.RepairScore <= toBeat || candidate.RepairScore < best - tolerance) break;
            candidate.Guards = guard(candidate);
            if (!candidate.Admissible) continue;
            best ??= candidate.RepairScore;
            tied.Add(candidate);
        }
        return tied
            .OrderBy(c => Math.Max(0, c.Guards!.CleanDrop))
            .ThenBy(c => Array.IndexOf(InterventionOrder, c.Setting.Mode))
            .ThenBy(c => c.Setting.Density == DirectionDensity.Sparse ? 0 : 1)
            .ThenBy(c => c.Setting.Alpha)
            .ThenBy(c => c.LayerIndex)
            .FirstOrDefault();
    }
}
