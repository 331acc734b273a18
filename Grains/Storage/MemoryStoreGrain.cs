using Orleans.Concurrency;

namespace OrleansChat.Grains.Storage;

/// <summary>
/// Keeps states in memory for <see cref="ChatMemoryGrainStorage"/>, with the ETag rules of
/// Orleans' <c>MemoryStorageGrain</c> (src/Orleans.Persistence.Memory in dotnet/orleans): a state
/// the store has never seen accepts any write (the store may have been lost with its silo), a
/// deleted one accepts a write that expects nothing, and otherwise the ETags must match or the
/// writer must pass <c>*</c>. It is never deactivated for idleness: its memory is the storage.
/// </summary>
[KeepAlive]
public sealed class MemoryStoreGrain : Grain, IMemoryStoreGrain
{
    // A deleted state stays as null, so that a write after the delete must expect no ETag.
    private readonly Dictionary<(string StateName, GrainId GrainId), StoredState?> _states = [];

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

        var stored = new StoredState(data.Value, Guid.NewGuid().ToString("N"));
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

        _states[(stateName, grainId)] = null;
        return Task.FromResult(new ETagCheck(true, ""));
    }

    // The refusal when expectedETag does not allow a write over what is stored; null when it does.
    private ETagCheck? Refuse(string stateName, GrainId grainId, string? expectedETag)
    {
        if (!_states.TryGetValue((stateName, grainId), out var current))
        {
            return null;
        }

        var currentETag = current?.ETag ?? "";
        var allowed = (currentETag.Length == 0 && expectedETag is null) || expectedETag == currentETag || expectedETag == "*";
        return allowed ? null : new ETagCheck(false, currentETag);
    }
}
