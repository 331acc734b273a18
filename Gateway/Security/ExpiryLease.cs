namespace OrleansChat.Gateway.Security;

/// <summary>One socket's place in <see cref="TokenExpiry"/>: moved by a refresh, disposed when the socket closes.</summary>
public sealed class ExpiryLease : IDisposable
{
    private readonly TokenExpiry _owner;

    internal ExpiryLease(TokenExpiry owner, Action expired) => (_owner, Expired) = (owner, expired);

    /// <summary>What to do when the token expires.</summary>
    internal Action Expired { get; }

    /// <summary>The due time of the current entry (Unix milliseconds); guarded by the owner's lock.</summary>
    internal long DueAt { get; set; }

    /// <summary>Fired or disposed; guarded by the owner's lock.</summary>
    internal bool Ended { get; set; }

    /// <summary>The token was refreshed: the lease is now due at <paramref name="due"/>.</summary>
    public void MoveTo(DateTimeOffset due) => _owner.Move(this, due);

    /// <inheritdoc />
    public void Dispose() => _owner.End(this);
}
