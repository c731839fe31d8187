namespace Fire.Evaluation.Streams;

/// <summary>One input of a stream: its position, the pool image it shows, whether it carries the trigger, and its true label.</summary>
public readonly record struct StreamInput(int Position, int PoolIndex, bool Triggered, int Label);

/// <summary>A run of consecutive stream inputs processed together: their images and what the stream knows of them.</summary>
public sealed record StreamChunk(int Start, FloatBatch Images, IReadOnlyList<StreamInput> Inputs);
