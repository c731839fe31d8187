using Fire.Data;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Fire.Engines.Torch.Architectures;

/// <summary>
/// The CIFAR ResNet-20 of He et al. (2016, section 4.2): a 3x3 conv stem with 16 channels, three stages of three
/// basic blocks with 16, 32 and 64 channels (the second and third halve the resolution), global average pooling
/// and a linear classifier. Shortcuts are option A (identity; subsampled and zero-padded where the shape changes),
/// so the shortcuts add no parameters: about 0.27M in all for 10 classes. Layers: stem, layer1_0 … layer3_2, pool, fc.
/// </summary>
public sealed class ResNet20 : LayeredNet
{
    public const string Name = "resnet20";
    private const int BlocksPerStage = 3;

    public ResNet20(int channels, int height, int width, int classCount, Normalization normalization)
        : base(Name, channels, height, width, classCount, normalization)
    {
        AddLayer("stem", Blocks.ConvBnRelu(channels, 16));
        int planes = 16;
        foreach (var (stage, stageWidth, stride) in new[] { (1, 16, 1), (2, 32, 2), (3, 64, 2) })
            for (int block = 0; block < BlocksPerStage; block++)
            {
                AddLayer($"layer{stage}_{block}", new BasicBlock(planes, stageWidth, block == 0 ? stride : 1));
                planes = stageWidth;
            }
        AddLayer("pool", Blocks.GlobalAveragePool());
        AddLayer("fc", Linear(planes, classCount));
        Blocks.InitializeHeNormal(this);
    }

    /// <summary>conv-bn-relu, conv-bn, plus the option-A shortcut, then ReLU.</summary>
    private sealed class BasicBlock : Module<Tensor, Tensor>
    {
        private readonly Module<Tensor, Tensor> conv1, bn1, conv2, bn2;
        private readonly long stride, padBefore, padAfter;

        public BasicBlock(int input, int output, int stride) : base(nameof(BasicBlock))
        {
            conv1 = Conv2d(input, output, 3, stride: stride, padding: 1, bias: false);
            bn1 = new BatchNorm2dWithHeldScalar(output);
            conv2 = Conv2d(output, output, 3, padding: 1, bias: false);
            bn2 = new BatchNorm2dWithHeldScalar(output);
            this.stride = stride;
            padBefore = (output - input) / 2;
            padAfter = output - input - padBefore;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var y = functional.relu(bn1.call(conv1.call(x)));
            y = bn2.call(conv2.call(y));
            return functional.relu(Blocks.Residual(y, Shortcut(x))).MoveToOuterDisposeScope();
        }

        private Tensor Shortcut(Tensor x)
        {
            if (stride == 1 && padBefore == 0 && padAfter == 0) return x;
            var step = TensorIndex.Slice(null, null, stride);
            var subsampled = x[TensorIndex.Colon, TensorIndex.Colon, step, step];
            return functional.pad(subsampled, new long[] { 0, 0, 0, 0, padBefore, padAfter });
        }
    }
}
