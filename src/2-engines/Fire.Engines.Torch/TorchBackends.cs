using System.Runtime.InteropServices;
using TorchSharp;

namespace Fire.Engines.Torch;

/// <summary>
/// Process-wide libtorch switches TorchSharp 0.107 has no binding for. libtorch 2.10 asks NNPACK whether it can run every
/// small convolution (batch 1, 3x3 kernels: latency runs, single predictions) and, on CPUs NNPACK does not support
/// (the project's AMD EPYC machines), logs "Could not initialize NNPACK! Reason: Unsupported hardware." each time:
/// thousands of lines on stderr per `fire demo`. PyTorch's <c>torch.backends.nnpack.set_flags(False)</c> stops the
/// question; this does the same through <c>at::globalContext().setUserEnabledNNPACK(false)</c>. No result or speed
/// changes on x86: libtorch never picks NNPACK for batches under 16, and above that oneDNN comes first.
/// </summary>
public static class TorchBackends
{
    private const string LibTorch = "libtorch_cpu";
    private static readonly Lazy<bool> Configured = new(TurnNnpackOff);

    /// <summary>Applies the switches once per process; later calls do nothing. Safe to call from any entry point.</summary>
    public static void Configure() => _ = Configured.Value;

    /// <summary>Whether libtorch may try NNPACK for convolutions; null where this libtorch does not export the switch.</summary>
    public static bool? NnpackEnabled
    {
        get
        {
            try { return UserEnabledNnpack(GlobalContext()); }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { return null; }
        }
    }

    private static bool TurnNnpackOff()
    {
        torch.InitializeDeviceType(DeviceType.CPU); // TorchSharp loads libtorch from its own folder first
        try
        {
            SetUserEnabledNnpack(GlobalContext(), false);
            return true;
        }
        // Another libtorch build may mangle or drop these symbols; the switch only silences a warning, so go on without it.
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { return false; }
    }

    [DllImport(LibTorch, EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [DllImport(LibTorch, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport(LibTorch, EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static extern bool UserEnabledNnpack(IntPtr context);
}
