namespace Fire.Engines.Torch.Tests;

/// <summary>Prediction from several threads at once gives what sequential prediction gives.</summary>
public class ParallelForwardTests
{
    [Theory]
    [InlineData("small-cnn")]
    [InlineData("resnet20")]
    [InlineData("preact-resnet18")]
    public void Parallel_forwards_with_taps_and_replacements_match_sequential_ones(string architecture)
    {
        using var model = new TorchLayeredModel(TestData.Create(architecture, 3, 32), ownsNet: true);
        string layer = model.LayerNames[model.LayerNames.Count / 2];
        var inputs = Enumerable.Range(0, 12).Select(i => TestData.Images(2, model.InputShape, seed: 100 + i)).ToArray();
        (float[] Logits, float[] Tapped) Predict(int i)
        {
            var access = new LayerAccess().Tap(layer);
            if (i % 2 == 1) access.Edit(layer, TestData.AddRampDelta);
            return (model.Forward(inputs[i], access).Data, access.Captured[layer].Data);
        }

        var sequential = Enumerable.Range(0, inputs.Length).Select(Predict).ToArray();
        var parallel = new (float[], float[])[inputs.Length];
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = Predict(i));

        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(sequential[i].Logits, parallel[i].Item1);
            Assert.Equal(sequential[i].Tapped, parallel[i].Item2);
        }
    }
}
