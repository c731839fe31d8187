using Fire.Data;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Fire.Engines.Torch.Architectures;

/// <summary>
/// PreAct-ResNet18 as BackdoorBench defines it (models/preact_resnet.py): a bare 3x3 conv stem with 64 channels,
/// four stages of two pre-activation blocks (64, 128, 256, 512 channels; stages 2-4 halve the resolution), adaptive
/// average pooling, a linear classifier; no batch norm after the last block. 11,171,146 parameters for 3x32x32 and
/// 10 classes. Layers: stem, layer1_0 … layer4_1, pool, fc. Inside the blocks, submodules carry BackdoorBench's
/// names (bn1, conv1, bn2, conv2, shortcut.0), so its checkpoints map by renaming conv1 → stem, layerS.B → layerS_B
/// and linear → fc.
/// </summary>
public sealed class PreActResNet18 : LayeredNet
{
    public const string Name = "preact-resnet18";
    private const int BlocksPerStage = 2;

    public PreActResNet18(int channels, int height, int width, int classCount, Normalization normalization)
        : base(Name, channels, height, width, classCount, normalization)
    {
        AddLayer("stem", Conv2d(channels, 64, 3, padding: 1, bias: false));
        int planes = 64;
        foreach (var (stage, stageWidth, stride) in new[] { (1, 64, 1), (2, 128, 2), (3, 256, 2), (4, 512, 2) })
            for (int block = 0; block < BlocksPerStage; block++)
            {
                AddLayer($"layer{stage}_{block}", new PreActBlock(planes, stageWidth, block == 0 ? stride : 1));
                planes = stageWidth;
            }
        AddLayer("pool", Blocks.GlobalAveragePool());
        AddLayer("fc", Linear(planes, classCount));
    }

    /// <summary>
    /// bn-relu, then conv-bn-relu-conv; the shortcut is the input, or a strided 1x1 conv of the pre-activated input
    /// where the stride or the width changes.
    /// </summary>
    private sealed class PreActBlock : Module<Tensor, Tensor>
    {
        private readonly Module<Tensor, Tensor> bn1, conv1, bn2, conv2;
        private readonly Module<Tensor, Tensor>? shortcut;

        public PreActBlock(int input, int output, int stride) : base(nameof(PreActBlock))
        {
            bn1 = new BatchNorm2dWithHeldScalar(input);
            conv1 = Conv2d(input, output, 3, stride: stride, padding: 1, bias: false);
            bn2 = new BatchNorm2dWithHeldScalar(output);
            conv2 = Conv2d(output, output, 3, padding: 1, bias: false);
            if (stride != 1 || input != output) shortcut = Sequential(Conv2d(input, output, 1, stride: stride, bias: false));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var activated = functional.relu(bn1.call(x));
            var identity = shortcut is null ? x : shortcut.call(activated);
            var y = conv1.call(activated);
            y = conv2.call(functional.relu(bn2.call(y)));
            return Blocks.Residual(y, identity).MoveToOuterDisposeScope();
        }
    }
}
