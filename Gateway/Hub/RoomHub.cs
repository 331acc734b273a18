using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Orleans.Metadata;
using Orleans.Streams;
using OrleansChat.Gateway.Metrics;
using OrleansChat.Protocol;
using OrleansChat.Gateway.Sessions;

namespace OrleansChat.Gateway.Hub;

/// <summary>
/// Who is in which room on this gateway, and the only part of the gateway that talks to the
/// cluster. A room has one stream subscription here however many local sockets joined it: it
/// is made by the first joiner and released by the last leaver, never touching another room's
/// or another gateway's handles.
/// </summary>
public sealed partial class RoomHub(IClusterClient client, IOptions<RoomHubOptions> options, ChatMetrics metrics, ILogger<RoomHub> logger) : IChatRooms
{
    /// <summary>How many presence renewals are in flight at once.</summary>
    internal const int RenewalsInFlight = 32;

    private readonly ConcurrentDictionary<string, RoomChannel> _rooms = new(StringComparer.Ordinal);
    private readonly RoomHubOptions _options = options.Value;

    // The room grain interface's id, found once: GetGrain<IChatRoomGrain>(room) finds it again on every call by
    // reading the interface's attributes (Orleans GrainFactory.GetGrain(Type, IdSpan, string) calls
    // GrainInterfaceTypeResolver.GetGrainInterfaceType, which has no cache), about 5 % of the gateway's CPU per post.
    private readonly GrainInterfaceType _roomInterface =
        client.ServiceProvider.GetRequiredService<GrainInterfaceTypeResolver>().GetGrainInterfaceType(typeof(IChatRoomGrain));

    private readonly GrainInterfaceTypeToGrainTypeResolver _grainTypes = client.ServiceProvider.GetRequiredService<GrainInterfaceTypeToGrainTypeResolver>();

    /// <summary>Rooms with at least one local socket (and so one stream subscription).</summary>
    public int RoomCount => _rooms.Count;

    /// <summary>This gateway process's identity in room presence; a restarted gateway is a new one.</summary>
    public string GatewayId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>
    /// Puts a member in a room and returns its joined frame's contents. Live events that arrive
    /// while the history is read are held and sent after it, so nothing is missed or repeated.
    /// </summary>
    public async Task JoinAsync(IRoomMember member, string room, long? since, string? epoch)
    {
        var (channel, members) = await AcquireAsync(member, room);
        try
        {
            var grain = Grain(room);
            var recovered = false;
            HistoryPage page;
            if (since is { } after)
            {
                page = await grain.GetHistoryAsync(after, _options.RecoveryLimit);
                recovered = (epoch is null || epoch == page.Epoch) && after >= page.OldestSeq - 1 && after <= page.LatestSeq;
                if (!recovered)
                {
                    page = await grain.GetRecentAsync(_options.RecoveryLimit);
                }
            }
            else
            {
                page = await grain.GetRecentAsync(_options.HistoryOnJoin);
            }

            var frame = ServerFrames.Joined(room, page.Epoch, page.LatestSeq, page.Messages, recovered, members, page.OldestKept);
            channel.CompleteJoin(member, frame, page.LatestSeq);
        }
        catch
        {
            await LeaveAsync(member, room);
            throw;
        }
    }

    /// <summary>Takes a member out of a room; the room's subscription goes when its last local member does.</summary>
    public async Task LeaveAsync(IRoomMember member, string room)
    {
        if (!_rooms.TryGetValue(room, out var channel))
        {
            return;
        }

        await channel.Lifecycle.WaitAsync();
        try
        {
            var (remaining, nameGone) = channel.Remove(member);
            if (nameGone)
            {
                await ExitAsync(room, member.User);
            }

            await CloseIfEmptyAsync(channel, remaining);
        }
        finally
        {
            channel.Lifecycle.Release();
        }
    }

    /// <summary>Stores a message through the room's grain; the grain publishes it to every gateway.</summary>
    public Task<PostResult> PostAsync(string room, PostRequest request) => Grain(room).PostAsync(request);

    /// <summary>Sends a typing hint through the room's grain.</summary>
    public Task TypingAsync(string room, string user) => Grain(room).TypingAsync(user);

    /// <summary>The names present in a room across the cluster.</summary>
    public Task<IReadOnlyList<string>> MembersAsync(string room) => Grain(room).GetMembersAsync();

    /// <summary>A page of a room's history, for the HTTP API.</summary>
    public Task<HistoryPage> HistoryAsync(string room, long since, int limit) => Grain(room).GetHistoryAsync(since, limit);

    /// <summary>The newest <paramref name="limit"/> messages of a room, for the HTTP API.</summary>
    public Task<HistoryPage> RecentAsync(string room, int limit) => Grain(room).GetRecentAsync(limit);

    /// <summary>The <paramref name="limit"/> messages just before seq <paramref name="before"/>, for the HTTP API's paging back.</summary>
    public Task<HistoryPage> HistoryBeforeAsync(string room, long before, int limit) => Grain(room).GetBeforeAsync(before, limit);

    /// <summary>
    /// After the client got the cluster back, subscribes every room again (a client that was
    /// away longer than the gateway's drop timeout has its subscriptions removed by the pulling
    /// agents) and fills whatever was stored meanwhile from the rooms' history.
    /// </summary>
    public async Task ResubscribeAllAsync()
    {
        foreach (var channel in _rooms.Values)
        {
            await channel.Lifecycle.WaitAsync();
            try
            {
                if (channel.Closed)
                {
                    continue;
                }

                var old = channel.Subscription;
                channel.Subscription = await Stream(channel.Room).SubscribeAsync(channel, StreamSubscriptionStartPosition.EarliestAvailable);
                if (old is not null)
                {
                    await UnsubscribeAsync(channel.Room, old);
                }

                await channel.CatchUpAsync();
                await RenewAsync(channel);
            }
            catch (Exception exception)
            {
                LogResubscribeFailed(exception, channel.Room);
            }
            finally
            {
                channel.Lifecycle.Release();
            }
        }
    }

    /// <summary>
    /// Renews this gateway's presence lease in every room it holds, stating the names it has there.
    /// The calls go out <see cref="RenewalsInFlight"/> at a time rather than one after another: a
    /// lone call wakes a thread on each side for its round trip, while calls in flight together
    /// share the wake-ups and Orleans' writes on the silo connection
    /// (docs/decisions/0020-presence-renewals-in-flight.md).
    /// </summary>
    public Task RenewPresenceAsync() =>
        Parallel.ForEachAsync(_rooms.Values, new ParallelOptions { MaxDegreeOfParallelism = RenewalsInFlight }, async (channel, _) =>
        {
            try
            {
                await RenewAsync(channel);
            }
            catch (Exception exception)
            {
                LogRenewFailed(exception, channel.Room);
            }
        });

    // Presence calls run under the room's lifecycle lock, so one gateway's enter and exit for a name reach the grain in order.
    private async Task<(RoomChannel Channel, IReadOnlyCollection<string> Members)> AcquireAsync(IRoomMember member, string room)
    {
        while (true)
        {
            var channel = _rooms.GetOrAdd(room, name => new RoomChannel(name, Grain(name), logger, metrics));
            await channel.Lifecycle.WaitAsync();
            try
            {
                if (channel.Closed)
                {
                    continue;
                }

                var firstOfName = channel.BeginJoin(member);
                if (channel.Subscription is null)
                {
                    try
                    {
                        // EarliestAvailable: events already in the agent's cache for this stream are delivered too;
                        // the channel drops seqs it has, so a subscription that is still being wired up loses nothing.
                        channel.Subscription = await Stream(room).SubscribeAsync(channel, StreamSubscriptionStartPosition.EarliestAvailable);
                    }
                    catch
                    {
                        await CloseIfEmptyAsync(channel, channel.Remove(member).Remaining);
                        throw;
                    }
                }

                try
                {
                    var members = firstOfName ? await Grain(room).EnterAsync(member.User, GatewayId) : await Grain(room).GetMembersAsync();
                    return (channel, members);
                }
                catch
                {
                    await CloseIfEmptyAsync(channel, channel.Remove(member).Remaining);
                    throw;
                }
            }
            finally
            {
                channel.Lifecycle.Release();
            }
        }
    }

    // Called under the channel's lifecycle lock: the last local member gone closes the channel and drops its subscription.
    private async Task CloseIfEmptyAsync(RoomChannel channel, int remaining)
    {
        if (remaining > 0 || channel.Closed)
        {
            return;
        }

        channel.Closed = true;
        _rooms.TryRemove(new KeyValuePair<string, RoomChannel>(channel.Room, channel));
        if (channel.Subscription is { } subscription)
        {
            channel.Subscription = null;
            await UnsubscribeAsync(channel.Room, subscription);
        }
    }

    private Task RenewAsync(RoomChannel channel) => Grain(channel.Room).RenewAsync(GatewayId, [.. channel.LocalUsers()]);

    private async Task ExitAsync(string room, string user)
    {
        try
        {
            await Grain(room).ExitAsync(user, GatewayId);
        }
        catch (Exception exception)
        {
            // The lease is not renewed for this name any more, so the room drops it when the lease runs out.
            LogExitFailed(exception, room, user);
        }
    }

    private async Task UnsubscribeAsync(string room, StreamSubscriptionHandle<RoomEvent> subscription)
    {
        try
        {
            await subscription.UnsubscribeAsync();
        }
        catch (Exception exception)
        {
            LogUnsubscribeFailed(exception, room);
        }
    }

    // What GetGrain<IChatRoomGrain>(room) does, less the reflection: the grain type comes from the cluster manifest
    // (GrainInterfaceTypeToGrainTypeResolver keeps it per manifest version) and GetGrain(GrainId, GrainInterfaceType)
    // only looks up the cached proxy activator (GrainReferenceActivator.CreateReference). Until the manifest names
    // an implementation, GetGrain<T> makes the stub reference that resolves the type when called.
    private IChatRoomGrain Grain(string room) =>
        _grainTypes.TryGetGrainType(_roomInterface, out var grainType)
            ? (IChatRoomGrain)client.GetGrain(GrainId.Create(grainType, room), _roomInterface)
            : client.GetGrain<IChatRoomGrain>(room);

    private IAsyncStream<RoomEvent> Stream(string room) =>
        client.GetStreamProvider(ChatStreams.ProviderName).GetStream<RoomEvent>(ChatStreams.ForRoom(room));

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Room {Room}: renewing presence failed")]
    private partial void LogRenewFailed(Exception exception, string room);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Room {Room}: telling the room that {User} left failed")]
    private partial void LogExitFailed(Exception exception, string room, string user);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Room {Room}: unsubscribing failed")]
    private partial void LogUnsubscribeFailed(Exception exception, string room);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Room {Room}: subscribing again after a reconnect failed")]
    private partial void LogResubscribeFailed(Exception exception, string room);
}
