using System.Collections;
using Razorvine.Pickle;

namespace Fire.Engines.Torch.Interop;

/// <summary>
/// Values a BackdoorBench record holds beside the state dict that Fire does not need: numpy arrays, dtypes and scalars
/// (the poisoned-data containers in <c>bd_train</c> and <c>bd_test</c>). The unpickler builds each as a placeholder that
/// only names its kind, instead of failing on a class it cannot construct, so the record's model can still be read.
/// </summary>
internal static class OpaquePickles
{
    private static readonly (string Module, string Name, string Kind)[] Known =
    [
        ("numpy.core.multiarray", "_reconstruct", "numpy array"),
        ("numpy._core.multiarray", "_reconstruct", "numpy array"), // numpy 2
        ("numpy.core.multiarray", "scalar", "numpy scalar"),
        ("numpy._core.multiarray", "scalar", "numpy scalar"),
        ("numpy", "dtype", "numpy dtype"),
    ];

    private static readonly Lazy<bool> Registered = new(() =>
    {
        foreach (var (module, name, kind) in Known) Unpickler.registerConstructor(module, name, new Constructor(kind));
        return true;
    });

    /// <summary>Registers the placeholders with the unpickler (process-wide, once).</summary>
    public static void Register() => _ = Registered.Value;

    /// <summary>A value that was not read; <see cref="Kind"/> says what it was.</summary>
    public sealed class Placeholder(string kind)
    {
        public string Kind { get; } = kind;

        // The unpickler restores an object's state by reflection, with the state's own type: a tuple or a dict.
        public void __setstate__(object[] state) { }
        public void __setstate__(Hashtable state) { }
    }

    private sealed class Constructor(string kind) : IObjectConstructor
    {
        public object construct(object[] args) => new Placeholder(kind);
    }
}
