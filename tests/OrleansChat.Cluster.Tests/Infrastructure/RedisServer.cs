using StackExchange.Redis;

namespace OrleansChat.Cluster.Tests.Infrastructure;

/// <summary>
/// A redis-server of the test's own on 127.0.0.1, a free port and a temporary data folder, with
/// append-only persistence as the cluster runs it. Debian's <c>redis-server</c> must be installed
/// (test.sh installs it); without it the test fails saying so rather than being skipped.
/// </summary>
internal sealed class RedisServer : IDisposable
{
    private readonly TempDirectory _data = new();
    private ChildProcess? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>The connection string the silos and gateways are given.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort.Next());
        await server.RunAsync();
        return server;
    }

    /// <summary>Starts the server again on the same port and data (after <see cref="Kill"/>).</summary>
    public async Task RunAsync()
    {
        var path = FindRedisServer() ?? throw new InvalidOperationException(
            "redis-server is not installed: these tests run a real Redis. Install Debian's redis-server (apt-get install redis-server), as ./test.sh does.");
        _process = ChildProcess.Start(path, ["--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", _data.Path,
            "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--protected-mode", "no"], _data.Path, new Dictionary<string, string>());
        await _process.WaitForOutputAsync("Ready to accept connections", TimeSpan.FromSeconds(30));
    }

    /// <summary>A connection for the test's own look at the data.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(ConnectionString);

    public void Kill() => _process?.Kill();

    public void Dispose()
    {
        _process?.Dispose();
        _data.Dispose();
    }

    private static string? FindRedisServer() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Append("/usr/bin").Append("/usr/sbin")
            .Select(dir => System.IO.Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);
}
