using Orleans.Concurrency;
using Orleans.Storage;

namespace OrleansChat.Grains.Storage;

/// <summary>
/// In-memory grain storage, the silo's embedded default: Orleans' <c>MemoryGrainStorage</c> less a
/// copy of every state written. Orleans' provider hands its store grain a
/// <c>GrainState&lt;ReadOnlyMemory&lt;byte&gt;&gt;</c>, and a call between grains of one silo
/// deep-copies its arguments, bytes included; here the bytes travel as
/// <see cref="Immutable{T}"/> and come back as an immutable <see cref="StoredState"/>, so a room
/// chunk written after each post is not copied again on its way into memory (the storage
/// serializer does not copy it either: <see cref="ChatStorageSerializer"/>).
/// </summary>
/// <remarks>
/// States are spread over <see cref="StoreGrains"/> store grains by the grain id's uniform hash,
/// which is the same in every silo (Orleans' provider hashes a string with
/// <see cref="string.GetHashCode()"/>, which differs from process to process). As with Orleans'
/// provider, the states live as long as the silos holding the store grains.
/// </remarks>
public sealed class ChatMemoryGrainStorage(IGrainFactory grains, IGrainStorageSerializer serializer) : IGrainStorage
{
    /// <summary>How many store grains share the states (Orleans' provider's default).</summary>
    public const int StoreGrains = 10;

    // One reference per store grain, made on first use: GetGrain<T> finds the interface's grain
    // type by reading its attributes on every call (GrainInterfaceTypeResolver keeps no cache),
    // 1.8 % of a silo's CPU samples in `rooms` when it ran once per write. Two threads making the
    // same reference at once store equal references.
    private readonly IMemoryStoreGrain?[] _stores = new IMemoryStoreGrain?[StoreGrains];

    /// <summary>How states are turned into bytes and back.</summary>
    public IGrainStorageSerializer Serializer { get; } = serializer;

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = await StoreFor(grainId).ReadAsync(stateName, grainId);
        if (stored is null)
        {
            return;
        }

        grainState.State = Serializer.Deserialize<T>(new BinaryData(stored.Data)) ?? Activator.CreateInstance<T>();
        grainState.ETag = stored.ETag;
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = Serializer.Serialize(grainState.State).ToMemory();
        var check = await StoreFor(grainId).WriteAsync(stateName, grainId, grainState.ETag, data.AsImmutable());
        grainState.ETag = Accepted(check, stateName, grainId, grainState.ETag);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var check = await StoreFor(grainId).DeleteAsync(stateName, grainId, grainState.ETag);
        _ = Accepted(check, stateName, grainId, grainState.ETag);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    /// <summary>The store grain that holds <paramref name="grainId"/>'s states, the same from every silo.</summary>
    public static long StoreIndex(GrainId grainId) => grainId.GetUniformHashCode() % StoreGrains;

    // The new ETag, or the exception Orleans' storage contract asks for when the store refused.
    private static string Accepted(ETagCheck check, string stateName, GrainId grainId, string? expectedETag) =>
        check.Accepted
            ? check.ETag
            : throw new InconsistentStateException($"the stored ETag of state '{stateName}' of {grainId} is not the one this write expects", check.ETag, expectedETag);

    private IMemoryStoreGrain StoreFor(GrainId grainId)
    {
        var index = StoreIndex(grainId);
        return _stores[index] ??= grains.GetGrain<IMemoryStoreGrain>(index);
    }
}
