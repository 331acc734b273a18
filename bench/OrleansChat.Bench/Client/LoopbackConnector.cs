using System.Net;
using System.Net.Sockets;

namespace OrleansChat.Bench.Client;

/// <summary>
/// Opens the TCP connections under every WebSocket. It refuses any target outside 127.0.0.0/8
/// and ::1, and can spread connections over several loopback source addresses (127.0.0.1 …
/// 127.0.0.N), each with its own range of ephemeral ports, for runs with many sockets.
/// </summary>
internal sealed class LoopbackConnector : IDisposable
{
    // Linux IP_BIND_ADDRESS_NO_PORT: bind the source address now, pick the port at connect time.
    private const int SolIp = 0;
    private const int IpBindAddressNoPort = 24;

    private readonly IPAddress[] _sources;
    private int _next;

    public LoopbackConnector(int sourceAddresses)
    {
        _sources = sourceAddresses <= 1
            ? []
            : [.. Enumerable.Range(1, Math.Min(sourceAddresses, 250)).Select(i => new IPAddress(new byte[] { 127, 0, 0, (byte)i }))];
        Invoker = new HttpMessageInvoker(CreateHandler(), disposeHandler: true);
    }

    /// <summary>Shared by every <see cref="System.Net.WebSockets.ClientWebSocket"/> the bench opens.</summary>
    public HttpMessageInvoker Invoker { get; }

    /// <summary>Resolves <paramref name="host"/> and fails unless it is a loopback address.</summary>
    public static IPAddress ResolveLoopback(string host)
    {
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : Dns.GetHostAddresses(host);
        var loopback = addresses.Where(IPAddress.IsLoopback).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).FirstOrDefault();
        return loopback ?? throw new ArgumentException($"'{host}' is not a loopback address; the bench only sends traffic to 127.0.0.0/8 or ::1.");
    }

    public void Dispose() => Invoker.Dispose();

    /// <summary>A handler whose connections go through this connector (loopback only, spread over the source addresses).</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        ConnectCallback = ConnectAsync,
    };

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var target = ResolveLoopback(context.DnsEndPoint.Host);
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (_sources.Length > 0 && target.AddressFamily == AddressFamily.InterNetwork)
            {
                var source = _sources[(uint)Interlocked.Increment(ref _next) % (uint)_sources.Length];
                socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(new IPEndPoint(target, context.DnsEndPoint.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
