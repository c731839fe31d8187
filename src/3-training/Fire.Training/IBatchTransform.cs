using static TorchSharp.torch;

namespace Fire.Training;

/// <summary>
/// Changes a batch after augmentation and before the model: on-the-fly poisoning (e.g. WaNet's warps) or any
/// label-aware transform. Images are (N, C, H, W) floats in [0, 1], labels int64 (N). <paramref name="indices"/>
/// are the positions of the samples in the data set given to the trainer (or evaluator), so a transform can
/// decide per sample. The trainer passes <paramref name="training"/> = true for training batches and false for
/// validation batches. Returned tensors may be the inputs or new ones; the caller's dispose scope frees them.
/// </summary>
public interface IBatchTransform
{
    (Tensor Images, Tensor Labels) Apply(Tensor images, Tensor labels, int[] indices, int epoch, bool training);
}
