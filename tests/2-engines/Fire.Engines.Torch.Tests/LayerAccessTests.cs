namespace Fire.Engines.Torch.Tests;

/// <summary>Taps, replacements, head and tail on a net small enough to check by hand.</summary>
public class LayerAccessTests
{
    // Two images of 1x1x2; all values below are exact in binary floating point.
    private static readonly FloatBatch Images = new(new[] { 1f, 0f, 0.5f, 0.25f }, new[] { 2, 1, 1, 2 });

    private static float[] Normalized(int sample) =>
        new[] { (Images.Data[2 * sample] - 0.5f) / 2, (Images.Data[2 * sample + 1] - 0.5f) / 2 };

    [Fact]
    public void Forward_normalises_inside_and_matches_hand_arithmetic()
    {
        using var model = new TorchLayeredModel(new TinyNet(), ownsNet: true);
        var expected = Enumerable.Range(0, 2)
            .SelectMany(s => TinyNet.Apply(TinyNet.W2, TinyNet.B2, TinyNet.Apply(TinyNet.W1, TinyNet.B1, Normalized(s))))
            .ToArray();
        // First image: normalised (0.25, -0.25); hidden (0.25, -1.25); logits (0.25, -0.75).
        Assert.Equal(new[] { 0.25f, -0.75f }, expected[..2]);
        Assert.Equal(expected, model.Forward(Images).Data);
    }

    [Fact]
    public void Editing_the_hidden_layer_changes_the_logits_exactly_as_by_hand()
    {
        using var model = new TorchLayeredModel(new TinyNet(), ownsNet: true);
        var delta = new[] { 1f, 2f };
        var access = new LayerAccess()
            .Tap("flat", "hidden", "out")
            .Edit("hidden", h =>
            {
                for (int i = 0; i < h.Values.Length; i++) h.Values[i] += delta[i % 2];
            });

        var logits = model.Forward(Images, access);

        var hidden = TinyNet.Apply(TinyNet.W1, TinyNet.B1, Normalized(0));
        var moved = new[] { hidden[0] + delta[0], hidden[1] + delta[1] };       // (1.25, 0.75)
        var expected = TinyNet.Apply(TinyNet.W2, TinyNet.B2, moved);            // (1.25, 2.25)
        Assert.Equal(new[] { 1.25f, 2.25f }, expected);
        Assert.Equal(expected, logits.Data[..2]);
        Assert.Equal(Normalized(0).Concat(Normalized(1)), access.Captured["flat"].Data);
        Assert.Equal(moved, access.Captured["hidden"].Data[..2]);
        Assert.Equal(logits.Data, access.Captured["out"].Data);
        Assert.Equal(new[] { 2, 2 }, access.Captured["hidden"].Shape);
    }

    [Fact]
    public void Head_and_tail_split_the_net_at_a_layer()
    {
        using var model = new TorchLayeredModel(new TinyNet(), ownsNet: true);
        var hidden = model.Head(Images, "hidden");
        Assert.Equal(TinyNet.Apply(TinyNet.W1, TinyNet.B1, Normalized(0)), hidden.Data[..2]);
        var activation = new FloatBatch(new[] { 2f, -1f }, new[] { 1, 2 });
        Assert.Equal(TinyNet.Apply(TinyNet.W2, TinyNet.B2, new[] { 2f, -1f }), model.Tail(activation, "hidden").Data);
        // After the last layer the tail is the identity.
        Assert.Equal(activation.Data, model.Tail(activation, "out").Data);
    }

    [Fact]
    public void Editing_the_logits_returns_the_edit()
    {
        using var model = new TorchLayeredModel(new TinyNet(), ownsNet: true);
        var fixedLogits = new FloatBatch(new[] { 9f, 8f, 7f, 6f }, new[] { 2, 2 });
        Assert.Equal(fixedLogits.Data, model.Forward(Images, new LayerAccess().Edit("out", logits => fixedLogits.Data.CopyTo(logits.Values))).Data);
    }

    [Fact]
    public void Describes_layers_and_counts_parameters_per_layer()
    {
        using var net = new TinyNet();
        Assert.Equal(new[] { "flat [2]", "hidden [2]", "out [2]" }, net.DescribeLayers().Select(l => l.ToString()));
        Assert.Equal(new[] { ("flat", 0L), ("hidden", 6L), ("out", 6L) }, net.LayerParameterCounts());
        Assert.Equal(12, net.ParameterCount());
    }

    [Fact]
    public void A_reader_sees_the_edited_activation_and_leaves_the_logits_alone()
    {
        using var model = new TorchLayeredModel(new TinyNet(), ownsNet: true);
        float[]? read = null;
        var access = new LayerAccess()
            .Edit("hidden", h => h.Values[0] += 1)
            .Read("hidden", h => read = h.Values.ToArray());
        var logits = model.Forward(Images, access);
        var hidden = TinyNet.Apply(TinyNet.W1, TinyNet.B1, Normalized(0));
        Assert.Equal(hidden[0] + 1, read![0]);
        Assert.Equal(hidden[1], read[1]);
        Assert.Equal(4, read.Length);
        Assert.Empty(access.Captured);
        Assert.Equal(TinyNet.Apply(TinyNet.W2, TinyNet.B2, [hidden[0] + 1, hidden[1]]), logits.Data[..2]);
    }
}
