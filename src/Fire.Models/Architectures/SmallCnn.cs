using Fire.Data;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Fire.Models.Architectures;

/// <summary>
/// The fast CPU default: four 3x3 conv-BN-ReLU layers (32, 64, 128, 128 channels) with max pooling after the
/// second and fourth, then a 256-unit hidden layer. About 0.7M parameters at 32x32x3.
/// </summary>
public sealed class SmallCnn : LayeredNet
{
    public const string Name = "small-cnn";

    public SmallCnn(int channels, int height, int width, int classCount, Normalization normalization)
        : base(Name, channels, height, width, classCount, normalization)
    {
        AddLayer("conv1", ConvBnRelu(channels, 32));
        AddLayer("conv2", Sequential(ConvBnRelu(32, 64), MaxPool2d(2)));
        AddLayer("conv3", ConvBnRelu(64, 128));
        AddLayer("conv4", Sequential(ConvBnRelu(128, 128), MaxPool2d(2)));
        int features = 128 * (height / 4) * (width / 4);
        AddLayer("fc1", Sequential(Flatten(), Dropout(0.3), Linear(features, 256), ReLU()));
        AddLayer("fc2", Linear(256, classCount));
    }

    internal static Module<Tensor, Tensor> ConvBnRelu(int input, int output) =>
        Sequential(Conv2d(input, output, 3, padding: 1, bias: false), BatchNorm2d(output), ReLU());
}
