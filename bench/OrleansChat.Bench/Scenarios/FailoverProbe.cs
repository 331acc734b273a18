using System.Diagnostics;
using OrleansChat.Bench.Client;
using OrleansChat.Protocol;

namespace OrleansChat.Bench.Scenarios;

/// <summary>
/// One client of <c>failover</c>: sends into its room one message at a time, waits for the
/// answer, and sends the same id again on <c>unavailable</c> as a real client would; keeps when
/// each message was first sent and when it was acknowledged.
/// </summary>
internal sealed class FailoverProbe(ChatClient client, string text, TimeSpan interval, TimeSpan giveUp) : IClientListener
{
    private readonly List<(long SentAt, long AckedAt)> _acks = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource<(string? Code, long Timestamp)>? _reply;
    private long _next;
    private volatile bool _stopping;

    public ChatClient Client => client;

    public int Unavailable { get; private set; }

    /// <summary>Answers other than an ack or <c>unavailable</c> (each listed in the result's notes).</summary>
    public List<string> OtherErrors { get; } = [];

    /// <summary>Sends that got no answer at all within the give-up time.</summary>
    public int Unanswered { get; private set; }

    public int AckCount
    {
        get
        {
            lock (_lock)
            {
                return _acks.Count;
            }
        }
    }

    /// <summary>The ack time of the first message sent at or after <paramref name="timestamp"/>, if acknowledged yet.</summary>
    public long? FirstAckOfASendFrom(long timestamp)
    {
        lock (_lock)
        {
            foreach (var (sentAt, ackedAt) in _acks)
            {
                if (sentAt >= timestamp)
                {
                    return ackedAt;
                }
            }

            return null;
        }
    }

    /// <summary>Sends until <see cref="Stop"/>; the message in flight is answered (or given up on) first.</summary>
    public async Task RunAsync()
    {
        client.Listener = this;
        while (!_stopping)
        {
            var index = _next++;
            var firstSent = 0L;
            while (true)
            {
                var reply = new TaskCompletionSource<(string? Code, long Timestamp)>(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _reply, reply);
                await client.SendMessageAsync(index, text, (_, sentAt) => firstSent = firstSent == 0 ? sentAt : firstSent);
                var answered = await Task.WhenAny(reply.Task, Task.Delay(giveUp));
                if (answered != reply.Task)
                {
                    Unanswered++;
                    break;
                }

                var (code, at) = reply.Task.Result;
                if (code is null)
                {
                    lock (_lock)
                    {
                        _acks.Add((firstSent, at));
                    }

                    break;
                }

                if (code == ErrorCodes.Unavailable)
                {
                    Unavailable++;
                }
                else
                {
                    OtherErrors.Add($"{client.Name}: {code}");
                }

                // The same id again, as the protocol asks of a client that got `unavailable`.
                await Task.Delay(100);
            }

            await Task.Delay(interval);
        }
    }

    public void Stop() => _stopping = true;

    public void OnMessage(ChatClient from, long index, long seq, long timestamp)
    {
    }

    public void OnAck(ChatClient from, long index, long seq, long timestamp) => Volatile.Read(ref _reply)?.TrySetResult((null, timestamp));

    public void OnError(ChatClient from, string code, long index, long timestamp) => Volatile.Read(ref _reply)?.TrySetResult((code, timestamp));

    /// <summary>Seconds between two <see cref="Stopwatch"/> timestamps.</summary>
    public static double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;
}
