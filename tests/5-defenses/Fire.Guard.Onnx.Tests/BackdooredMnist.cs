using Fire.Engines.Torch.Export;
using Onnx;

namespace Fire.Guard.Onnx.Tests;

/// <summary>The shared backdoored MNIST model (<see cref="MnistBackdoor"/>) and its ONNX export.</summary>
public sealed class BackdooredMnist : MnistBackdoor
{
    public ModelProto Onnx { get; }

    public BackdooredMnist() => Onnx = ZooOnnxExport.Export(Model.Net);
}
