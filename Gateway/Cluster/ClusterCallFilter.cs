using System.Runtime.ExceptionServices;
using Orleans.Serialization.Invocation;

namespace OrleansChat.Gateway.Cluster;

/// <summary>
/// Every grain call the gateway makes goes through here. While the client reaches no silo, a call
/// fails within <see cref="ReconnectGrace"/> (<see cref="ClusterUnavailableException"/>) instead of
/// waiting for Orleans' response timeout, so a <c>send</c> or <c>join</c> gets <c>unavailable</c> within 2 s. A room call
/// that fails (its silo died, was stopped, or its storage failed) is tried again for up to
/// <see cref="RetryBudget"/>: every room method but typing is safe to repeat, a post above all,
/// since the room stores a (user, id) once and answers a repeat with the first one's seq.
/// </summary>
/// <remarks>
/// A call whose silo died after receiving it gets no answer at all: the client's callback is only
/// broken by the response timeout (silos break their own callbacks to a dead silo in
/// <c>Catalog.OnSiloStatusChange</c>, a client's are not), hence <see cref="ResponseTimeout"/>.
/// Orleans' outgoing call context may be invoked again once the previous invocation returned
/// (<c>OutgoingCallInvoker.Invoke</c> steps its stage back in a finally), which the retry relies on.
/// </remarks>
internal sealed partial class ClusterCallFilter(ClusterConnection connection, TimeProvider time, ILogger<ClusterCallFilter> logger) : IOutgoingGrainCallFilter
{
    /// <summary>
    /// The client's response timeout (Orleans' default is 30 s). A room call takes a few milliseconds,
    /// or about one Redis round trip more; only a call lost with its silo comes near this.
    /// </summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(3);

    /// <summary>How long a room call keeps being retried: long enough for a dead silo to be declared dead (about 3 s) and its rooms to move.</summary>
    public static readonly TimeSpan RetryBudget = TimeSpan.FromSeconds(10);

    private static readonly Type RoomGrain = typeof(IChatRoomGrain);

    /// <summary>
    /// How long a call waits for a lost connection to come back before it fails: the client loses its
    /// connection for a moment whenever the one silo it was connected to dies, until it connects to another.
    /// One second leaves the other second of the 2 s promise to the rest of the way to the socket: at
    /// 1.5 s a first <c>unavailable</c> in a fresh gateway once took 2.13 s (not traced; the first run of
    /// the error path in a new process is the suspect).
    /// </summary>
    public static readonly TimeSpan ReconnectGrace = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(IManagementGrain))
        {
            // ClusterConnection's probe: it is what brings the connection back.
            await context.Invoke();
            return;
        }

        if (!await connection.WaitConnectedAsync(ReconnectGrace))
        {
            throw new ClusterUnavailableException();
        }

        if (!IsRepeatable(context))
        {
            await context.Invoke();
            return;
        }

        var start = time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            Exception? failure;
            ExceptionDispatchInfo? thrown = null;
            try
            {
                await context.Invoke();
                failure = context.Response?.Exception;
            }
            catch (Exception exception)
            {
                failure = exception;
                thrown = ExceptionDispatchInfo.Capture(exception);
            }

            if (failure is null)
            {
                return;
            }

            var delay = TimeSpan.FromMilliseconds(Math.Min(100 * attempt, 1000));
            if (!connection.IsConnected || time.GetElapsedTime(start) + delay >= RetryBudget)
            {
                // The caller sees the failure as Orleans reported it: in the response, or thrown (a response
                // timeout is); returning without a response would make Orleans throw "invoked a broken filter"
                // instead (OutgoingCallInvoker.Invoke).
                thrown?.Throw();
                return;
            }

            LogRetry(failure, context.MethodName, attempt);
            await Task.Delay(delay, time);
        }
    }

    private static bool IsRepeatable(IOutgoingGrainCallContext context) =>
        context.InterfaceMethod is { } method
        && method.DeclaringType == RoomGrain
        && method.Name != nameof(IChatRoomGrain.TypingAsync);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Room call {Method} failed (attempt {Attempt}); trying again")]
    private partial void LogRetry(Exception failure, string method, int attempt);
}
