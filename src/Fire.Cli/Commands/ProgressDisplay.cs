using System.Diagnostics;
using Spectre.Console;

namespace Fire.Cli.Commands;

/// <summary>
/// A Spectre progress display redrawn by the working thread itself, at most ten times a second, instead of by Spectre's
/// refresh thread: while torch trains or evaluates, managed memory is allocated on one thread only (Fire.Data.BatchLoader
/// explains why: a collection started by another thread can free a TorchSharp Scalar that libtorch is still reading).
/// </summary>
public static class ProgressDisplay
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Runs <paramref name="work"/> under a display with <paramref name="columns"/>; <paramref name="work"/> gets the context
    /// and a redraw request to call after it changes a task: redraw(false) is dropped within 100 ms of the last redraw
    /// (per-step updates), redraw(true) always draws (a new phase, which may last long without another update).
    /// </summary>
    public static T Run<T>(IAnsiConsole console, ProgressColumn[] columns, Func<ProgressContext, Action<bool>, T> work)
    {
        T result = default!;
        console.Progress()
            .AutoRefresh(false)
            .AutoClear(true)
            .Columns(columns)
            .Start(context =>
            {
                var clock = Stopwatch.StartNew();
                context.Refresh();
                result = work(context, force =>
                {
                    if (!force && clock.Elapsed < Interval) return;
                    context.Refresh();
                    clock.Restart();
                });
            });
        return result;
    }
}
