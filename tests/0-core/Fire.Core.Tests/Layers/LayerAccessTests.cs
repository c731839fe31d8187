namespace Fire.Core.Tests.Layers;

/// <summary>What an engine's hand-over does with taps and readers.</summary>
public class LayerAccessTests
{
    [Fact]
    public void A_reader_reads_the_engines_memory_and_a_tap_keeps_a_copy()
    {
        var engineMemory = new float[] { 1, 2, 3, 4, 5, 6 };
        float[]? read = null;
        var access = new LayerAccess().Tap("a").Read("a", span => read = span.Sample(1).ToArray()).Read("b", _ => throw new InvalidOperationException("not delivered"));
        Assert.Equal(["a", "b"], access.Taps.Order());

        access.Deliver("a", new ActivationSpan(engineMemory, [2, 3]));
        engineMemory[0] = 99;   // the engine reuses its memory after the pass

        Assert.Equal([4f, 5f, 6f], read);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], access.Captured["a"].Data);
        Assert.Equal([2, 3], access.Captured["a"].Shape);
        Assert.False(access.Captured.ContainsKey("b"));
    }

    [Fact]
    public void A_reader_without_a_tap_leaves_nothing_captured_and_reads_a_batch_an_engine_made()
    {
        float sum = 0;
        var access = new LayerAccess().Read("h", span => { foreach (float v in span.Values) sum += v; });
        access.Capture("h", new FloatBatch([0.5f, 0.25f, 2f, 1f], [2, 2]));
        Assert.Equal(3.75f, sum);
        Assert.Empty(access.Captured);
        Assert.Equal(["h"], access.NamedLayers);
    }

    [Fact]
    public void Readers_added_at_one_layer_are_all_called_in_order()
    {
        var calls = new List<string>();
        var access = new LayerAccess().Read("h", _ => calls.Add("first")).Read("h", _ => calls.Add("second"));
        access.Deliver("h", new ActivationSpan(new float[2], [1, 2]));
        Assert.Equal(["first", "second"], calls);
    }
}
