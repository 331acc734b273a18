using Orleans.Concurrency;

namespace OrleansChat.Grains.Storage;

/// <summary>
/// One of the grains that hold <see cref="ChatMemoryGrainStorage"/>'s states in memory, each for
/// the grains whose ids hash to it.
/// </summary>
public interface IMemoryStoreGrain : IGrainWithIntegerKey
{
    /// <summary>The state stored for <paramref name="grainId"/> under <paramref name="stateName"/>; null if none is (or it was deleted).</summary>
    Task<StoredState?> ReadAsync(string stateName, GrainId grainId);

    /// <summary>
    /// Stores <paramref name="data"/> if <paramref name="expectedETag"/> matches the stored ETag. The
    /// bytes are kept as they are given, not copied: whoever writes must never change them.
    /// </summary>
    Task<ETagCheck> WriteAsync(string stateName, GrainId grainId, string? expectedETag, Immutable<ReadOnlyMemory<byte>> data);

    /// <summary>Deletes the state if <paramref name="expectedETag"/> matches, as <see cref="WriteAsync"/> does.</summary>
    Task<ETagCheck> DeleteAsync(string stateName, GrainId grainId, string? expectedETag);

    /// <summary>How many states the store holds: a deleted state is not one (tests and diagnostics read it).</summary>
    Task<int> CountAsync();
}

/// <summary>A state as the memory store keeps it: its bytes and the ETag of its write.</summary>
/// <remarks>
/// Marked <see cref="ImmutableAttribute"/>: a call between grains of one silo deep-copies what it
/// carries unless the type says it never changes, and nothing changes a stored state's bytes (a
/// serializer's output, or a room chunk's, which <see cref="ChunkBuffer"/> never changes once stored).
/// </remarks>
[GenerateSerializer, Immutable, Alias("chat.stored-state")]
public sealed record StoredState([property: Id(0)] ReadOnlyMemory<byte> Data, [property: Id(1)] string ETag);

/// <summary>
/// The outcome of a write or delete: when accepted, the state's new ETag (empty after a delete);
/// when refused, the ETag the store holds. A refusal is a result rather than an exception because
/// Orleans deactivates a grain whose call throws <see cref="Orleans.Storage.InconsistentStateException"/>,
/// and a store grain's activation is the only copy of its states.
/// </summary>
[GenerateSerializer, Immutable, Alias("chat.etag-check")]
public sealed record ETagCheck([property: Id(0)] bool Accepted, [property: Id(1)] string ETag);
