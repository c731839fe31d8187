using Fire.Guard.Onnx;

namespace Fire.Guard.Onnx.Tests;

/// <summary>The guard's ONNX export edits graphs as data: no engine, neither TorchSharp nor ONNX Runtime.</summary>
public class EngineFreeTests
{
    [Fact]
    public void The_export_assembly_references_the_guard_and_the_graph_library_only()
    {
        var references = typeof(GuardOnnxExport).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.DoesNotContain(references, name => name.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.OrdinalIgnoreCase));
        var fire = references.Where(name => name.StartsWith("Fire.", StringComparison.Ordinal)).ToArray();
        Assert.Contains("Fire.Guard", fire);
        Assert.All(fire, name => Assert.Contains(name, new[] { "Fire.Core", "Fire.Guard", "Fire.Onnx" }));
    }
}
