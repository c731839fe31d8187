using Fire.Data;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Fire.Engines.Torch.Architectures;

/// <summary>
/// VGG-11 with batch norm in its CIFAR form: eight 3x3 conv-BN-ReLU layers in five blocks (64 | 128 | 256, 256 |
/// 512, 512 | 512, 512 channels), 2x2 max pooling after blocks 1-4 (ceil mode, so 28x28 inputs keep their border),
/// global max pooling (the fifth pool at 32x32) and a single linear classifier on the 512 features (no 4096-unit
/// head). About 9.2M parameters. Layers: block1 … block5, pool, fc.
/// </summary>
public sealed class Vgg11Bn : LayeredNet
{
    public const string Name = "vgg11-bn";
    private static readonly int[][] BlockWidths = { new[] { 64 }, new[] { 128 }, new[] { 256, 256 }, new[] { 512, 512 }, new[] { 512, 512 } };

    public Vgg11Bn(int channels, int height, int width, int classCount, Normalization normalization)
        : base(Name, channels, height, width, classCount, normalization)
    {
        int planes = channels;
        for (int block = 0; block < BlockWidths.Length; block++)
        {
            var modules = new List<Module<Tensor, Tensor>>();
            foreach (int output in BlockWidths[block])
            {
                modules.Add(Blocks.ConvBnRelu(planes, output));
                planes = output;
            }
            if (block < BlockWidths.Length - 1) modules.Add(MaxPool2d(2, ceil_mode: true));
            AddLayer($"block{block + 1}", Sequential(modules));
        }
        AddLayer("pool", Blocks.GlobalMaxPool());
        AddLayer("fc", Linear(planes, classCount));
    }
}
