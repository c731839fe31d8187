using Fire.Engines.Torch.Interop;

namespace Fire.Engines.Torch.Tests.Interop;

/// <summary>
/// A record whose data entries hold numpy values (as BackdoorBench's real attack_result.pt files do) still gives its
/// state dict; the numpy values are only named. The record is made by PyTorch here (skipped without Python's torch).
/// </summary>
public sealed class NumpyRecordTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fire-numpy-record-").FullName;

    [PythonTorchFact]
    public void TheModelIsReadAndTheNumpyValuesAreNamed()
    {
        string stateDict = SharedModels.File("resnet20-gtsrb-blended", "state_dict.pt");
        string record = Path.Combine(_folder, "attack_result.pt");
        PythonTorch.Run(PyTorchSideTests.TestScript("make_numpy_record.py"), stateDict, record);

        using var weights = PyTorchFileReader.Read(record);
        using var original = PyTorchFileReader.Read(stateDict);
        Assert.Equal(PyTorchFileKind.BackdoorBenchRecord, weights.Kind);
        Assert.Equal("gtsrb", weights.RecordString("clean_data"));
        Assert.Equal(43, weights.RecordInteger("num_classes"));
        Assert.Equal("\"a dict of 3 entries\"", weights.Record["bd_train"]!.ToJsonString());
        Assert.Equal(original.Tensors.Keys.Order(), weights.Tensors.Keys.Order());
        foreach (var (name, tensor) in original.Tensors)
            Assert.True(tensor.equal(weights.Tensors[name]).all().item<bool>(), $"{name} differs");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
