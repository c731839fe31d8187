using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Fire.Engines.Torch;

/// <summary>Copies between managed float arrays and CPU tensors.</summary>
internal static class TensorConversion
{
    /// <summary>
    /// A float32 tensor holding a copy of <paramref name="values"/>, in the current dispose scope. The copy lives in
    /// libtorch's own (aligned) memory: <c>torch.tensor(float[])</c> would pin the managed array instead, whose weaker
    /// alignment makes some kernels take other paths and round differently in the last bits.
    /// </summary>
    public static Tensor ToTensor(ReadOnlySpan<float> values, long[] shape)
    {
        var result = empty(shape, ScalarType.Float32);
        MemoryMarshal.AsBytes(values).CopyTo(result.bytes);
        return result;
    }

    /// <summary><paramref name="x"/> itself when it is contiguous float32, else a contiguous float32 copy (in the current dispose scope).</summary>
    public static Tensor Editable(Tensor x) =>
        x.dtype == ScalarType.Float32 && x.is_contiguous() ? x : x.detach().to(ScalarType.Float32).contiguous();

    /// <summary>The values of a contiguous float32 CPU tensor, in place (writes change the tensor).</summary>
    public static Span<float> Values(Tensor x)
    {
        if (x.dtype != ScalarType.Float32 || !x.is_contiguous())
            throw new ArgumentException($"Only a contiguous float32 tensor can be edited in place, got {x.dtype}.");
        return MemoryMarshal.Cast<byte, float>(x.bytes);
    }

    /// <summary>The values of <paramref name="x"/> as float32, row-major.</summary>
    public static float[] ToArray(Tensor x)
    {
        using var scope = NewDisposeScope();
        var values = x.detach().cpu().to(ScalarType.Float32).contiguous();
        var data = new float[values.numel()];
        values.bytes.CopyTo(MemoryMarshal.AsBytes(data.AsSpan()));
        return data;
    }
}
