using Fire.Training;
using Spectre.Console;

namespace Fire.Cli.Commands;

/// <summary>A training under a Spectre progress bar: epoch, loss, accuracy, img/s and ETA.</summary>
public static class TrainingProgressView
{
    /// <summary>
    /// Runs a training that reports <see cref="TrainProgress"/> under the bar; the status callback shows a phase
    /// message (e.g. a pre-training step) in the bar until progress resumes.
    /// </summary>
    public static T Run<T>(IAnsiConsole console, Func<IProgress<TrainProgress>, Action<string>, T> train)
    {
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .Start(context =>
            {
                var task = context.AddTask("starting", maxValue: 1);
                result = train(new ProgressTaskUpdater(task), status => task.Description = Markup.Escape(status));
            });
        return result;
    }

    /// <summary>Reports arrive on the training thread; Spectre's refresh thread reads the task, which is thread-safe.</summary>
    private sealed class ProgressTaskUpdater(ProgressTask task) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress p)
        {
            task.MaxValue = (double)p.Epochs * p.StepsPerEpoch;
            task.Value = (double)(p.Epoch - 1) * p.StepsPerEpoch + p.Step;
            task.Description = $"epoch {p.Epoch}/{p.Epochs}  step {p.Step}/{p.StepsPerEpoch}  loss {p.Loss:F4}  acc {p.Accuracy:P1}  " +
                               $"{p.ImagesPerSecond:N0} img/s  ETA {p.Eta:hh\\:mm\\:ss}";
        }
    }
}
