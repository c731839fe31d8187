namespace Fire.Engines.Onnx.Tests;

/// <summary>The engine against PyTorch's own logits, and its pieces against the whole graph.</summary>
public class ParityTests
{
    [Theory]
    [InlineData(Fixtures.PreAct)]
    [InlineData(Fixtures.ResNet20)]
    public void Logits_match_PyTorch_within_1e4(string fixture)
    {
        using var model = Fixtures.Open(fixture);
        var (inputs, expected) = Fixtures.InputsAndLogits(fixture);
        var logits = model.Forward(inputs);
        Assert.Equal([expected.Length, expected[0].Length], logits.Shape);
        Assert.True(Fixtures.MaxDifference(logits.Data, expected.SelectMany(r => r).ToArray()) <= 1e-4f);
    }

    [Theory]
    [InlineData(Fixtures.SmallCnn)]
    [InlineData(Fixtures.ResNet20)]
    [InlineData(Fixtures.PreAct)]
    public void Tail_of_head_equals_the_forward_pass_at_every_layer(string fixture)
    {
        using var model = Fixtures.Open(fixture);
        var images = Fixtures.Images(5, model.InputShape, seed: 7);
        var logits = model.Forward(images);
        foreach (var layer in model.LayerNames)
        {
            var activation = model.Head(images, layer);
            Assert.True(Fixtures.MaxDifference(model.Tail(activation, layer).Data, logits.Data) <= 1e-5f, $"{fixture} at {layer}");
        }
    }

    [Theory]
    [InlineData(Fixtures.SmallCnn)]
    [InlineData(Fixtures.ResNet20)]
    public void Taps_capture_what_the_head_computes(string fixture)
    {
        using var model = Fixtures.Open(fixture);
        var images = Fixtures.Images(3, model.InputShape, seed: 3);
        var access = new LayerAccess().Tap([.. model.LayerNames]);
        var logits = model.Forward(images, access);
        Assert.Equal(model.LayerNames.Count, access.Captured.Count);
        // Within rounding, not bit for bit: the tapped pass and each head are separate sessions that ONNX Runtime
        // optimises each for its own outputs (a tensor that is an output cannot be fused away).
        foreach (var layer in model.LayerNames)
        {
            var head = model.Head(images, layer).Data;
            float scale = Math.Max(1f, head.Max(MathF.Abs));
            Assert.True(Fixtures.MaxDifference(head, access.Captured[layer].Data) <= 1e-5f * scale, $"{fixture} at {layer}");
        }
        Assert.Equal(logits.Data, access.Captured[model.LayerNames[^1]].Data);
    }

    [Fact]
    public void An_edit_runs_the_rest_of_the_graph_on_the_edited_activation()
    {
        using var model = Fixtures.Open(Fixtures.ResNet20);
        var images = Fixtures.Images(4, model.InputShape, seed: 5);
        string first = model.LayerNames[3], second = model.LayerNames[^3];
        static void Halve(ActivationSpan a) { foreach (ref float v in a.Values) v *= 0.5f; }
        static void Shift(ActivationSpan a) { for (int i = 0; i < a.Values.Length; i++) a.Values[i] += i % 7 * 0.01f; }

        var access = new LayerAccess().Edit(first, Halve).Edit(second, Shift).Tap(first, second);
        var edited = model.Forward(images, access);

        var expectedFirst = model.Head(images, first);
        Halve(expectedFirst.AsSpan());
        Assert.True(Fixtures.MaxDifference(access.Captured[first].Data, expectedFirst.Data) <= 1e-6f);
        // The second layer sees the first edit: its activation is the tail of the edited first one, up to the second.
        var afterFirst = model.Forward(images, new LayerAccess().Edit(first, Halve).Tap(second));
        var expectedSecond = afterFirst;
        var secondActivation = access.Captured[second];
        var unshifted = new LayerAccess().Edit(first, Halve).Tap(second);
        model.Forward(images, unshifted);
        var shifted = unshifted.Captured[second].Clone();
        Shift(shifted.AsSpan());
        Assert.True(Fixtures.MaxDifference(secondActivation.Data, shifted.Data) <= 1e-6f);
        Assert.True(Fixtures.MaxDifference(edited.Data, model.Tail(shifted, second).Data) <= 1e-5f);
        Assert.True(Fixtures.MaxDifference(edited.Data, expectedSecond.Data) > 1e-3f, "the second edit must change the logits");
    }

    [Fact]
    public void Residual_networks_are_cut_only_between_blocks()
    {
        using var model = Fixtures.Open(Fixtures.ResNet20);
        var layers = model.DescribeLayers();
        // Stem conv (batch norm folded) and its ReLU; in each of the 9 residual blocks only the join (Add) and the ReLU after
        // it, never the convolutions inside (the shortcut bypasses them); then pooling, flatten, linear.
        Assert.Equal(2 + 2 * 9 + 3, layers.Count);
        Assert.Equal(["/conv1/Conv", "/Relu", "/layer1/layer1.0/Add", "/layer1/layer1.0/Relu_1"], layers.Take(4).Select(l => l.Name));
        Assert.Equal(["/GlobalAveragePool", "/Flatten", "/linear/Gemm"], layers.TakeLast(3).Select(l => l.Name));
        Assert.DoesNotContain(layers, l => l.Name.Contains("conv", StringComparison.Ordinal) && l.Name != "/conv1/Conv");
        Assert.Equal([16, 32, 32], layers[0].ActivationShape);
        Assert.Equal([32, 16, 16], layers.Single(l => l.Name == "/layer2/layer2.0/Relu_1").ActivationShape);
        Assert.Equal([43], layers[^1].ActivationShape);
        Assert.Equal(43, model.ClassCount);
    }

    /// <summary>A reader reads a layer in the same unsplit pass a tap would copy it from, in layer order, once per pass.</summary>
    [Theory]
    [InlineData(Fixtures.SmallCnn)]
    [InlineData(Fixtures.ResNet20)]
    public void Readers_see_what_taps_copy_without_splitting_the_pass(string fixture)
    {
        using var model = Fixtures.Open(fixture);
        var images = Fixtures.Images(3, model.InputShape, seed: 9);
        string early = model.LayerNames[1], late = model.LayerNames[^3];
        var read = new List<(string Layer, float[] Values)>();
        var readers = new LayerAccess()
            .Read(late, a => read.Add((late, a.Values.ToArray())))
            .Read(early, a => read.Add((early, a.Values.ToArray())));
        var taps = new LayerAccess().Tap(early, late);

        var logits = model.Forward(images, readers);
        model.Forward(images, taps);

        Assert.Equal([early, late], read.Select(r => r.Layer));
        Assert.Equal(taps.Captured[early].Data, read[0].Values);
        Assert.Equal(taps.Captured[late].Data, read[1].Values);
        Assert.Empty(readers.Captured);
        Assert.Equal(model.Forward(images, new LayerAccess().Tap(early, late)).Data, logits.Data);
    }

    [Fact]
    public void Concurrent_calls_agree_with_serial_ones()
    {
        using var model = Fixtures.Open(Fixtures.SmallCnn);
        var batches = Enumerable.Range(0, 8).Select(i => Fixtures.Images(3, model.InputShape, seed: 100 + i)).ToArray();
        var serial = batches.Select(b => model.Forward(b).Data).ToArray();
        string layer = model.LayerNames[4];
        var parallel = new float[batches.Length][];
        Parallel.For(0, batches.Length, i =>
        {
            var access = new LayerAccess().Edit(layer, _ => { }).Tap(layer);
            parallel[i] = model.Forward(batches[i], access).Data;
        });
        for (int i = 0; i < batches.Length; i++) Assert.Equal(serial[i], parallel[i]);
    }

    /// <summary>
    /// torch.onnx.export without dynamic axes fixes the batch size: the engine runs such a graph in batches of that size,
    /// and an editor still sees the whole batch at once, without the padding (it may keep per-row state), as do taps.
    /// </summary>
    [Theory]
    [InlineData(Fixtures.SmallCnn)]
    [InlineData(Fixtures.ResNet20)]
    public void A_graph_with_a_fixed_batch_runs_any_batch_and_edits_and_taps_see_all_of_it(string fixture)
    {
        var proto = Fire.Onnx.OnnxModelFile.Read(Fixtures.Model(fixture));
        foreach (var tensor in proto.Graph.Input.Concat(proto.Graph.Output))
            tensor.Type.TensorType.Shape.Dim[0] = new global::Onnx.TensorShapeProto.Types.Dimension { DimValue = 2 };
        using var fixedBatch = new OnnxLayeredModel(proto, fixture + " (batch 2)", Fixtures.Normalization(fixture), threads: 1);
        using var dynamic = Fixtures.Open(fixture);
        Assert.Equal(2, fixedBatch.FixedBatch);
        var images = Fixtures.Images(5, dynamic.InputShape, seed: 11);
        string edited = dynamic.LayerNames[2], tapped = dynamic.LayerNames[1];

        (FloatBatch Logits, LayerAccess Access, List<int> Rows) Run(OnnxLayeredModel model)
        {
            var rows = new List<int>();
            var access = new LayerAccess().Tap(tapped, edited).Edit(edited, a =>
            {
                rows.Add(a.Count);
                for (int i = 0; i < a.Count; i++) a.Sample(i).Fill(i); // per-row state: row i becomes i everywhere
            });
            return (model.Forward(images, access), access, rows);
        }

        var expected = Run(dynamic);
        var actual = Run(fixedBatch);
        Assert.Equal([5], actual.Rows);
        Assert.Equal([5, .. dynamic.DescribeLayers()[1].ActivationShape], actual.Access.Captured[tapped].Shape);
        Assert.Equal(expected.Access.Captured[edited].Data, actual.Access.Captured[edited].Data);
        Assert.True(Fixtures.MaxDifference(expected.Access.Captured[tapped].Data, actual.Access.Captured[tapped].Data) <= 1e-4f);
        Assert.True(Fixtures.MaxDifference(expected.Logits.Data, actual.Logits.Data) <= 1e-4f);
        Assert.True(Fixtures.MaxDifference(dynamic.Head(images, tapped).Data, fixedBatch.Head(images, tapped).Data) <= 1e-4f);
        var activation = dynamic.Head(images, edited);
        Assert.True(Fixtures.MaxDifference(dynamic.Tail(activation, edited).Data, fixedBatch.Tail(activation, edited).Data) <= 1e-4f);
    }
}
