using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on loopback in front of a gateway, so a test can break a browser's connection
/// for real: Chromium's offline emulation leaves an open WebSocket alone. Bytes pass through
/// untouched, so the page's Origin and the request's Host both name the proxy and the
/// gateway's same-origin check still holds.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Link, byte> _links = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Valve _toTarget = new();
    private readonly Valve _toClient = new();
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private bool _refusing;
    private int _refused;

    private TcpProxy(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    /// <summary>The proxy's base address, such as http://127.0.0.1:41235/.</summary>
    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Starts a proxy to the host and port of <paramref name="target"/> (an IP address).</summary>
    public static TcpProxy Start(Uri target) => new(new IPEndPoint(IPAddress.Parse(target.Host), target.Port));

    /// <summary>How many connections were refused so far, to see a client's retry fail.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>While true, every new connection is reset as soon as it is accepted, as by a host that is down.</summary>
    public void SetRefusing(bool refusing)
    {
        // Under the lock, so once refusing is set no accepted connection can slip past a cut.
        lock (_gate)
        {
            _refusing = refusing;
        }
    }

    /// <summary>
    /// Stops passing bytes in one direction, as a network partition would: what arrives is
    /// held back until <see cref="Release"/>, and lost if the connection is cut first.
    /// </summary>
    public void Hold(ProxyDirection direction) => ValveFor(direction).Close();

    /// <summary>Lets the held bytes of one direction through again, in order.</summary>
    public void Release(ProxyDirection direction) => ValveFor(direction).Open();

    /// <summary>Resets every open connection on both sides and waits until each is gone.</summary>
    public async Task CutAllAsync()
    {
        var links = _links.Keys.ToArray();
        foreach (var link in links)
        {
            link.Cut();
        }

        await Task.WhenAll(links.Select(l => l.Completion));
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        await CutAllAsync();
        _stopping.Dispose();
    }

    private Valve ValveFor(ProxyDirection direction) => direction == ProxyDirection.ToTarget ? _toTarget : _toClient;

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_gate)
            {
                if (_refusing)
                {
                    Interlocked.Increment(ref _refused);
                    Reset(client);
                    continue;
                }

                var link = new Link(client);
                _links[link] = 0;
                link.Completion = RunAsync(link);
            }
        }
    }

    private async Task RunAsync(Link link)
    {
        try
        {
            using var target = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            link.Target = target;
            await target.ConnectAsync(_target);
            link.Client.NoDelay = true;
            // Either side ending ends the whole link, like a middlebox that forgets a connection.
            await Task.WhenAny(
                PumpAsync(link.Client, target, _toTarget, link.WhenCut),
                PumpAsync(target, link.Client, _toClient, link.WhenCut));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Cut, or the gateway went away; either way the link is over.
        }
        finally
        {
            link.Close();
            _links.TryRemove(link, out _);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, Valve valve, Task whenCut)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    return;
                }

                // Held bytes wait here; a cut drops them.
                if (await Task.WhenAny(valve.WhenOpen, whenCut) == whenCut)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The other pump, or a cut, closed the sockets.
        }
    }

    // An abortive close: the peer gets a reset at once rather than a polite end of stream.
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }

        socket.Dispose();
    }

    /// <summary>One proxied connection: the accepted client socket and the socket to the target.</summary>
    private sealed class Link(Socket client)
    {
        private readonly TaskCompletionSource _cut = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Socket Client { get; } = client;

        public Socket? Target { get; set; }

        public Task Completion { get; set; } = Task.CompletedTask;

        /// <summary>Completes when the link is cut; disposing the sockets ends any read or connect under way.</summary>
        public Task WhenCut => _cut.Task;

        public void Cut()
        {
            _cut.TrySetResult();
            Reset(Client);
            if (Target is { } target)
            {
                Reset(target);
            }
        }

        public void Close()
        {
            _cut.TrySetResult();
            Client.Dispose();
            Target?.Dispose();
        }
    }

    /// <summary>Open lets bytes through; closed makes the pumps wait.</summary>
    private sealed class Valve
    {
        private readonly Lock _gate = new();
        private TaskCompletionSource _open = Opened();

        public void Close()
        {
            lock (_gate)
            {
                if (_open.Task.IsCompleted)
                {
                    _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }

        public void Open()
        {
            lock (_gate)
            {
                _open.TrySetResult();
            }
        }

        public Task WhenOpen
        {
            get
            {
                lock (_gate)
                {
                    return _open.Task;
                }
            }
        }

        private static TaskCompletionSource Opened()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }
    }
}
