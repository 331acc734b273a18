using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Streams;
using OrleansChat.Grains.Storage;
using OrleansChat.Protocol;

namespace OrleansChat.Grains;

/// <summary>
/// The single writer of a room: validates a post, gives it the next seq, stores it, and only
/// after the store succeeded acknowledges and publishes it on the room's stream. Posts interleave
/// with every call, but only <see cref="WriteQueuedAsync"/> gives seqs and writes, one batch at a
/// time, which is what keeps seqs contiguous; the other calls run one at a time as usual, and see
/// the history change only between their awaits, by whole stored batches.
/// </summary>
public sealed partial class ChatRoomGrain(
    IOptions<ChatRoomOptions> options,
    IServiceProvider services,
    TimeProvider time,
    ILogger<ChatRoomGrain> logger) : Grain, IChatRoomGrain
{
    private readonly ChatRoomOptions _options = options.Value;
    private RoomStore _store = null!;
    private RoomHistory _history = null!;
    private IAsyncStream<RoomEvent> _stream = null!;
    private readonly Queue<QueuedPost> _queue = new();
    private readonly Dictionary<(string User, string Id), QueuedPost> _unstored = [];
    private bool _writing;

    private string Room => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var storage = services.GetRequiredKeyedService<IGrainStorage>(_options.StorageName);
        _store = new RoomStore(storage, services.GetRequiredService<Serializer<ChatMessage>>(), this.GetGrainId(), _options.ChunkSize, _options.HistoryWindow);
        _history = new RoomHistory(_options.HistoryWindow);
        foreach (var message in await _store.LoadAsync())
        {
            _history.Add(message);
        }

        _stream = this.GetStreamProvider(ChatStreams.ProviderName).GetStream<RoomEvent>(ChatStreams.ForRoom(Room));
    }

    /// <inheritdoc />
    /// <remarks>
    /// Posts interleave (see <see cref="IChatRoomGrain.PostAsync"/>): each one only checks and
    /// queues its message, and <see cref="WriteQueuedAsync"/>, the room's one writer, stores what
    /// queued up while the previous write was in flight as one batch.
    /// </remarks>
    public Task<PostResult> PostAsync(PostRequest request)
    {
        if (!MessageRules.IsValidId(request.Id) || !MessageRules.IsValidUser(request.User) || MessageRules.IsBlank(request.Text))
        {
            return Task.FromResult(new PostResult(PostStatus.Invalid, 0));
        }

        if (MessageRules.IsTooLong(request.Text, _options.MaxTextLength))
        {
            return Task.FromResult(new PostResult(PostStatus.TooLong, 0));
        }

        if (_history.TryFindSeq(request.User, request.Id, out var earlier))
        {
            return Task.FromResult(new PostResult(PostStatus.Duplicate, earlier));
        }

        if (_unstored.TryGetValue((request.User, request.Id), out var first))
        {
            // The same (user, id) is queued or being written: the repeat gets the first one's seq once it is stored.
            return DuplicateOfAsync(first);
        }

        var post = new QueuedPost(request);
        _queue.Enqueue(post);
        _unstored.Add((request.User, request.Id), post);
        if (!_writing)
        {
            _writing = true;
            _ = WriteQueuedAsync();
        }

        return post.Stored.Task;
    }

    /// <inheritdoc />
    public Task TypingAsync(string user) => PublishAsync(new UserTyping(Room, user));

    // The room's one writer: runs while posts are queued, each round storing as many as fit in the
    // current chunk with one write and publishing them with one stream event batch.
    private async Task WriteQueuedAsync()
    {
        try
        {
            while (_queue.Count > 0)
            {
                await WriteBatchAsync();
            }
        }
        finally
        {
            _writing = false;
        }
    }

    private async Task WriteBatchAsync()
    {
        var posts = new QueuedPost[Math.Min(_queue.Count, _store.RoomInChunk(_history.LatestSeq + 1))];
        var messages = new ChatMessage[posts.Length];
        var now = time.GetUtcNow();
        for (var i = 0; i < posts.Length; i++)
        {
            posts[i] = _queue.Dequeue();
            var request = posts[i].Request;
            messages[i] = new ChatMessage(_history.LatestSeq + 1 + i, request.Id, request.User, request.Text, now);
        }

        try
        {
            await _store.AppendAsync(messages);
        }
        catch (Exception exception)
        {
            // Nothing of the batch is stored, acknowledged or published; its posters may retry.
            LogStoreFailed(exception, Room, messages[0].Seq, messages[^1].Seq);
            foreach (var post in posts)
            {
                _unstored.Remove((post.Request.User, post.Request.Id));
                post.Stored.TrySetException(exception);
            }

            return;
        }

        var events = new RoomEvent[posts.Length];
        for (var i = 0; i < posts.Length; i++)
        {
            var message = messages[i];
            _history.Add(message);
            _unstored.Remove((message.User, message.Id));
            posts[i].Stored.TrySetResult(new PostResult(PostStatus.Stored, message.Seq));
            events[i] = new MessagePosted(Room, message);
        }

        await PublishAsync(events);
        await PruneAsync();
    }

    private static async Task<PostResult> DuplicateOfAsync(QueuedPost first) =>
        new(PostStatus.Duplicate, (await first.Stored.Task).Seq);

    private async Task PruneAsync()
    {
        try
        {
            await _store.PruneAsync(_history.OldestSeq);
        }
        catch (Exception exception)
        {
            // A chunk left behind is only wasted space: the window is read from the head onwards; the next prune retries it.
            LogPruneFailed(exception, Room);
        }
    }

    // Publishes one event, or several as one stream event batch: the memory stream provider queues
    // a batch as one message, and each subscriber still gets every event, in order, through OnNextAsync (Orleans:
    // PersistentStreamProducer.OnNextBatchAsync -> MemoryAdapterFactory.QueueMessageBatchAsync, one
    // MemoryMessageData for all events; StreamSubscriptionHandleImpl.DeliverBatch calls the
    // observer once per event of MemoryBatchContainer.GetEvents).
    private async Task PublishAsync(params RoomEvent[] events)
    {
        try
        {
            await (events.Length == 1 ? _stream.OnNextAsync(events[0]) : _stream.OnNextBatchAsync(events));
        }
        catch (Exception exception)
        {
            // Messages are stored and acknowledged by now; gateways fill the gap from history when the next event arrives.
            LogPublishFailed(exception, Room);
        }
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Error, Message = "Room {Room}: storing seqs {First} to {Last} failed; nothing was acknowledged or published")]
    private partial void LogStoreFailed(Exception exception, string room, long first, long last);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Room {Room}: clearing a chunk that left the window failed")]
    private partial void LogPruneFailed(Exception exception, string room);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "Room {Room}: publishing an event failed")]
    private partial void LogPublishFailed(Exception exception, string room);

    private sealed class QueuedPost(PostRequest request)
    {
        public PostRequest Request { get; } = request;

        public TaskCompletionSource<PostResult> Stored { get; } = new();
    }
}
