using Fire.Guard;

namespace Fire.Guard.Tests;

/// <summary>FIRE must run on any engine: its assembly may not reference TorchSharp, the attacks or the data loaders.</summary>
public class EngineFreeTests
{
    [Fact]
    public void TheGuardAssemblyReferencesOnlyFireCoreAndTheFramework()
    {
        var references = typeof(FireGuard).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.DoesNotContain(references, name => name.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase));
        var fire = references.Where(name => name.StartsWith("Fire.", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["Fire.Core"], fire);
    }

    [Fact]
    public void FireCoreReferencesNoOtherFireAssemblyAndNoNativePackage()
    {
        var references = typeof(FloatBatch).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.DoesNotContain(references, name => name.StartsWith("Fire.", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase));
    }
}
