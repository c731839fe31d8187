using System.ComponentModel;
using Fire.Data;
using Fire.Training;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace Fire.Cli.Commands;

/// <summary>Options of every command that reads a data set.</summary>
public class DataSettings : CommandSettings
{
    [CommandOption("--data <PATH>")]
    [Description("Folder holding the data sets (default: $FIRE_DATA, else ../shared/data beside the repository).")]
    public string? Data { get; set; }

    [CommandOption("--force")]
    [Description("Replace an existing output file that is not of the kind the command writes, or write into a non-empty folder; bench: recompute every cell, even those already in the results file (cached models are reused).")]
    public bool Force { get; set; }

    /// <summary>Loads <paramref name="dataset"/> from the --data folder, showing the loader's status lines in grey.</summary>
    public DataSplit LoadData(IAnsiConsole console, string dataset, DataLoadOptions? options = null) =>
        Datasets.Load(dataset, Data, (options ?? DataLoadOptions.Default) with { Progress = new StatusLines(console) });

    /// <summary>The --dataset option of commands that run a saved checkpoint.</summary>
    public const string CheckpointDatasetDescription =
        "Data set to load instead of the one the checkpoint records (a name, or a path: the data moved, or another copy); it must have the model's image shape and classes.";

    /// <summary>
    /// The data set <paramref name="info"/> records, or <paramref name="dataset"/> (--dataset) instead, checked to fit
    /// the model. When the recorded one is not found, the error says how to point elsewhere.
    /// </summary>
    public DataSplit LoadCheckpointData(IAnsiConsole console, CheckpointInfo info, string checkpoint, string? dataset)
    {
        DataSplit split;
        try
        {
            split = LoadData(console, dataset ?? info.Dataset);
        }
        catch (IOException e) when (dataset is null && e is DirectoryNotFoundException or FileNotFoundException)
        {
            throw new DirectoryNotFoundException(
                $"{e.Message} Checkpoint '{checkpoint}' records the data set '{info.Dataset}': give --dataset (a name found under --data, or a path) to load it from elsewhere.", e);
        }
        info.CheckData(split.Test, checkpoint);
        return split;
    }
}

/// <summary>Options of every command that runs a network.</summary>
public class ComputeSettings : DataSettings
{
    [CommandOption("--threads <N>")]
    [Description("Torch CPU threads (default: the cores free now, see EngineThreads: more threads than free cores collapse libtorch's speed).")]
    public int? Threads { get; set; }

    public override ValidationResult Validate() =>
        Threads is < 1 ? ValidationResult.Error($"--threads must be at least 1, got {Threads}.") : base.Validate();

    /// <summary>Sets torch's thread count: the only place Fire does, as the user asked on the command line.</summary>
    public void ApplyThreads() => torch.set_num_threads(EngineThreads.Choose(Threads));
}
