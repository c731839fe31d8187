namespace Fire.Evaluation.Metrics;

/// <summary>
/// Area under the ROC curve of a detector score (higher = more suspicious): the probability that a random poisoned
/// sample scores above a random clean one, ties counting one half (the Mann-Whitney U statistic, computed from
/// average ranks in O(n log n)).
/// </summary>
public static class Auroc
{
    public static double Compute(IReadOnlyList<float> cleanScores, IReadOnlyList<float> poisonedScores)
    {
        if (cleanScores.Count == 0 || poisonedScores.Count == 0)
            throw new ArgumentException($"AUROC needs clean and poisoned scores; got {cleanScores.Count} clean and {poisonedScores.Count} poisoned.");
        if (cleanScores.Concat(poisonedScores).Any(float.IsNaN)) throw new ArgumentException("AUROC got a NaN score.");
        var all = cleanScores.Select(s => (Score: s, Poisoned: false))
            .Concat(poisonedScores.Select(s => (Score: s, Poisoned: true)))
            .OrderBy(x => x.Score).ToArray();
        double poisonedRankSum = 0;
        for (int start = 0; start < all.Length;)
        {
            int end = start;
            while (end < all.Length && all[end].Score == all[start].Score) end++;
            double averageRank = (start + 1 + end) / 2.0; // ranks start+1 .. end share their mean
            for (int i = start; i < end; i++) if (all[i].Poisoned) poisonedRankSum += averageRank;
            start = end;
        }
        double n = poisonedScores.Count, m = cleanScores.Count;
        return (poisonedRankSum - n * (n + 1) / 2) / (n * m);
    }
}
