using Orleans.Concurrency;

namespace OrleansChat.Grains.Storage;

/// <summary>
/// Keeps states in memory for <see cref="ChatMemoryGrainStorage"/>, with the ETag rules of
/// Orleans' <c>MemoryStorageGrain</c> (src/Orleans.Persistence.Memory in dotnet/orleans): a state
/// the store has never seen accepts any write (the store may have been lost with its silo), a
/// deleted one accepts a write that expects nothing, and otherwise the ETags must match or the
/// writer must pass <c>*</c>. It is never deactivated for idleness: its memory is the storage.
/// </summary>
/// <remarks>
/// Unlike Orleans' grain, a delete leaves nothing behind (Orleans keeps a null entry for every
/// key ever deleted, so a room's cleared history chunks would grow the store with every post).
/// What that entry told apart, "deleted here" from "never seen, store lost", the ETag tells
/// instead: each one this activation gives starts with the activation's own prefix.
/// </remarks>
[KeepAlive]
public sealed class MemoryStoreGrain : Grain, IMemoryStoreGrain
{
    private readonly Dictionary<(string StateName, GrainId GrainId), StoredState> _states = [];

    // ETags are this prefix and a count of writes, so an ETag of an earlier activation of this store
    // (lost with its silo) never starts with it.
    private readonly string _etagPrefix = Guid.NewGuid().ToString("N") + "-";
    private long _writes;

    /// <inheritdoc />
    public Task<StoredState?> ReadAsync(string stateName, GrainId grainId) =>
        Task.FromResult(_states.GetValueOrDefault((stateName, grainId)));

    /// <inheritdoc />
    public Task<ETagCheck> WriteAsync(string stateName, GrainId grainId, string? expectedETag, Immutable<ReadOnlyMemory<byte>> data)
    {
        if (Refuse(stateName, grainId, expectedETag) is { } refused)
        {
            return Task.FromResult(refused);
        }

        var stored = new StoredState(data.Value, _etagPrefix + (++_writes).ToString(System.Globalization.CultureInfo.InvariantCulture));
        _states[(stateName, grainId)] = stored;
        return Task.FromResult(new ETagCheck(true, stored.ETag));
    }

    /// <inheritdoc />
    public Task<ETagCheck> DeleteAsync(string stateName, GrainId grainId, string? expectedETag)
    {
        if (Refuse(stateName, grainId, expectedETag) is { } refused)
        {
            return Task.FromResult(refused);
        }

        _states.Remove((stateName, grainId));
        return Task.FromResult(new ETagCheck(true, ""));
    }

    /// <inheritdoc />
    public Task<int> CountAsync() => Task.FromResult(_states.Count);

    // The refusal when expectedETag does not allow a write over what is stored; null when it does.
    private ETagCheck? Refuse(string stateName, GrainId grainId, string? expectedETag)
    {
        // A state this store holds no entry for was deleted if the writer holds one of this
        // activation's ETags (Orleans' null entry: current ETag ""), and was never seen otherwise.
        var currentETag = _states.TryGetValue((stateName, grainId), out var current) ? current.ETag
            : expectedETag?.StartsWith(_etagPrefix, StringComparison.Ordinal) == true ? ""
            : null;
        if (currentETag is null)
        {
            return null;
        }

        var allowed = (currentETag.Length == 0 && expectedETag is null) || expectedETag == currentETag || expectedETag == "*";
        return allowed ? null : new ETagCheck(false, currentETag);
    }
}
