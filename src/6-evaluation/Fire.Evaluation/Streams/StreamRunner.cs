namespace Fire.Evaluation.Streams;

/// <summary>What happened to every input of one stream: the defense's answer, the undefended model's, and the flag.</summary>
public sealed record StreamRun(InputStream Stream, string Source, int Target, int[] Answers, int[] Undefended, bool[] Flags)
{
    public IReadOnlyList<StreamInput> Inputs => Stream.Inputs;
}

/// <summary>
/// Processes a stream in order, chunk by chunk: the defense answers every input of a chunk as it stands before the
/// chunk (so no input profits from its own flag), then the flag source marks the chunk's inputs and the defense observes
/// the flagged ones. Each input is answered exactly once.
/// </summary>
public static class StreamRunner
{
    public const int DefaultChunkSize = 100;

    /// <param name="undefended">The undefended model's label of every pool image (the reference the defense is compared with).</param>
    public static StreamRun Run(StreamPool pool, InputStream stream, IFlagSource source, IStreamDefense defense, PoolValues<int> undefended,
        int chunkSize = DefaultChunkSize, IProgress<string>? progress = null)
    {
        var answers = new int[stream.Count];
        var flags = new bool[stream.Count];
        foreach (var chunk in stream.Chunks(pool, chunkSize))
        {
            var labels = defense.Predict(chunk.Images);
            var marked = source.Flag(chunk);
            if (labels.Length != chunk.Inputs.Count || marked.Length != chunk.Inputs.Count)
                throw new InvalidOperationException($"At stream position {chunk.Start}: {labels.Length} answers and {marked.Length} flags for {chunk.Inputs.Count} inputs.");
            labels.CopyTo(answers, chunk.Start);
            marked.CopyTo(flags, chunk.Start);
            var flagged = chunk.Inputs.Where((_, n) => marked[n]).ToArray();
            if (flagged.Length > 0)
            {
                defense.Observe(pool.Gather(flagged));
                progress?.Report($"{source.Name}, stream {stream.Seed}, input {chunk.Start + chunk.Inputs.Count:N0}/{stream.Count:N0}: {defense.Describe()}");
            }
        }
        return new StreamRun(stream, source.Name, pool.Target, answers, stream.Inputs.Select(i => undefended[i]).ToArray(), flags);
    }
}
