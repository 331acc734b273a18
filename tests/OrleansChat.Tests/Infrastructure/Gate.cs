namespace OrleansChat.Tests.Infrastructure;

/// <summary>Holds the calls that reach it until it opens, counting how many came.</summary>
public sealed class Gate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    /// <summary>How many calls have reached the gate.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Counts a call and waits until the gate opens.</summary>
    public Task PassAsync()
    {
        Interlocked.Increment(ref _waiting);
        return _open.Task;
    }

    /// <summary>Lets every waiting call, and later ones, through.</summary>
    public void Open() => _open.TrySetResult();
}
