namespace Fire.Training;

/// <summary>
/// How a front end shows a long run that the library drives: each training runs inside <see cref="Training{T}"/> (the
/// command line wraps it in a progress bar, a service in nothing), and <see cref="Note"/> carries a plain line for the user.
/// </summary>
public interface IRunObserver
{
    /// <summary>Runs <paramref name="training"/>, handing it a progress sink and a status-line sink for the phases before progress starts.</summary>
    T Training<T>(Func<IProgress<TrainProgress>, Action<string>, T> training);

    void Note(string line);
}

/// <summary>An observer that shows nothing: for tests and callers that only want the result.</summary>
public sealed class SilentRunObserver : IRunObserver
{
    public static readonly SilentRunObserver Instance = new();

    public T Training<T>(Func<IProgress<TrainProgress>, Action<string>, T> training) => training(new Progress<TrainProgress>(), _ => { });

    public void Note(string line) { }
}
