using Fire.Data;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Fire.Engines.Torch.Architectures;

/// <summary>
/// The fast CPU default: four 3x3 conv-BN-ReLU layers that double the width (32, 64, 128, 256 channels) while 2x2
/// max pooling (ceil mode) halves the resolution after each of the first three, then global max pooling, a
/// 256-unit hidden layer and the classifier. About 0.46M parameters and 15M multiply-adds per 3x32x32 image, so
/// it trains at well over 1,000 img/s on two CPU cores. Layers: conv1 … conv4, fc1, fc2.
/// </summary>
public sealed class SmallCnn : LayeredNet
{
    public const string Name = "small-cnn";
    private const int Hidden = 256;

    public SmallCnn(int channels, int height, int width, int classCount, Normalization normalization)
        : base(Name, channels, height, width, classCount, normalization)
    {
        AddLayer("conv1", Sequential(Blocks.ConvBnRelu(channels, 32), MaxPool2d(2, ceil_mode: true)));
        AddLayer("conv2", Sequential(Blocks.ConvBnRelu(32, 64), MaxPool2d(2, ceil_mode: true)));
        AddLayer("conv3", Sequential(Blocks.ConvBnRelu(64, 128), MaxPool2d(2, ceil_mode: true)));
        AddLayer("conv4", Blocks.ConvBnRelu(128, 256));
        AddLayer("fc1", Sequential(Blocks.GlobalMaxPool(), Linear(256, Hidden), ReLU()));
        AddLayer("fc2", Linear(Hidden, classCount));
    }
}
