using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using OrleansChat.Gateway.Hosting;
using OrleansChat.Gateway.Metrics;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Hub;

/// <summary>
/// Who is in which room on this gateway, and the only part of the gateway that talks to the
/// cluster. A room has one stream subscription here however many local sockets joined it: it
/// is made by the first joiner and released by the last leaver, never touching another room's
/// or another gateway's handles.
/// </summary>
public sealed partial class RoomHub(IClusterClient client, IOptions<ChatGatewayOptions> options, ChatMetrics metrics, ILogger<RoomHub> logger)
{
    private readonly ConcurrentDictionary<string, RoomChannel> _rooms = new(StringComparer.Ordinal);
    private readonly ChatGatewayOptions _options = options.Value;

    /// <summary>Rooms with at least one local socket (and so one stream subscription).</summary>
    public int RoomCount => _rooms.Count;

    /// <summary>
    /// Puts a member in a room and returns its joined frame's contents. Live events that arrive
    /// while the history is read are held and sent after it, so nothing is missed or repeated.
    /// </summary>
    public async Task JoinAsync(IRoomMember member, string room, long? since, string? epoch)
    {
        var channel = await AcquireAsync(member, room);
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

            var frame = ServerFrames.Joined(room, page, recovered, channel.LocalUsers());
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
            if (channel.Remove(member) > 0 || channel.Closed)
            {
                return;
            }

            channel.Closed = true;
            _rooms.TryRemove(new KeyValuePair<string, RoomChannel>(room, channel));
            if (channel.Subscription is { } subscription)
            {
                channel.Subscription = null;
                await UnsubscribeAsync(room, subscription);
            }
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

    /// <summary>A page of a room's history, for the HTTP API.</summary>
    public Task<HistoryPage> HistoryAsync(string room, long since, int limit) => Grain(room).GetHistoryAsync(since, limit);

    /// <summary>A room's current members, for the HTTP API.</summary>
    public Task<IReadOnlyList<string>> MembersAsync(string room) => Grain(room).GetMembersAsync();

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

    private async Task<RoomChannel> AcquireAsync(IRoomMember member, string room)
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

                channel.BeginJoin(member);
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
                        if (channel.Remove(member) == 0)
                        {
                            channel.Closed = true;
                            _rooms.TryRemove(new KeyValuePair<string, RoomChannel>(room, channel));
                        }

                        throw;
                    }
                }

                return channel;
            }
            finally
            {
                channel.Lifecycle.Release();
            }
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

    private IChatRoomGrain Grain(string room) => client.GetGrain<IChatRoomGrain>(room);

    private IAsyncStream<RoomEvent> Stream(string room) =>
        client.GetStreamProvider(ChatStreams.ProviderName).GetStream<RoomEvent>(ChatStreams.ForRoom(room));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: unsubscribing failed")]
    private partial void LogUnsubscribeFailed(Exception exception, string room);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: subscribing again after a reconnect failed")]
    private partial void LogResubscribeFailed(Exception exception, string room);
}
