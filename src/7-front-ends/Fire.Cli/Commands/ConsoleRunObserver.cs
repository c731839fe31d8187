using Fire.Training;
using Spectre.Console;

namespace Fire.Cli.Commands;

/// <summary>The command line's view of a library run: trainings under a progress bar, notes as indented lines.</summary>
public sealed class ConsoleRunObserver(IAnsiConsole console) : IRunObserver
{
    public T Training<T>(Func<IProgress<TrainProgress>, Action<string>, T> training) => TrainingProgressView.Run(console, training);

    public void Note(string line) => console.MarkupLineInterpolated($"  {line}");
}
