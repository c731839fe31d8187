namespace Fire.Guard;

/// <summary>Predicted labels with the softmax probability of each (the confidence), row by row.</summary>
internal sealed record Outputs(int[] Labels, float[] Confidences)
{
    /// <summary>Labels whose confidences nobody reads (they stay 0), e.g. for an accuracy.</summary>
    public static Outputs LabelsOnly(int[] labels) => new(labels, new float[labels.Length]);

    public Outputs Rows(IReadOnlyList<int> rows) => new(rows.Select(r => Labels[r]).ToArray(), rows.Select(r => Confidences[r]).ToArray());

    public Outputs Copy() => new((int[])Labels.Clone(), (float[])Confidences.Clone());
}
