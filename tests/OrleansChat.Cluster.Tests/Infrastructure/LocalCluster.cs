using System.Diagnostics;
using System.Globalization;

namespace OrleansChat.Cluster.Tests.Infrastructure;

/// <summary>
/// deploy/local/cluster.sh, run as a user runs it, on the silo and gateway builds the tests were
/// built with, its own state folder and Redis port, and Redis' <c>appendfsync always</c>.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private readonly TempDirectory _state = new();
    private readonly int _redisPort = FreePort.Next();

    /// <summary>The two gateways.</summary>
    public IReadOnlyList<Uri> Gateways { get; } = [new("http://127.0.0.21:8080"), new("http://127.0.0.22:8080")];

    public static async Task<LocalCluster> UpAsync()
    {
        var cluster = new LocalCluster();
        await cluster.RunAsync("up");
        return cluster;
    }

    /// <summary>Runs <c>cluster.sh</c> with the arguments; throws with its output if it fails.</summary>
    public async Task<string> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Repository.Path("deploy", "local", "cluster.sh"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["CLUSTER_STATE"] = System.IO.Path.Combine(_state.Path, "state");
        info.Environment["CLUSTER_REDIS_PORT"] = _redisPort.ToString(CultureInfo.InvariantCulture);
        info.Environment["CLUSTER_FSYNC"] = "always";
        info.Environment["CLUSTER_SKIP_BUILD"] = "1";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        var text = await output + await error;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cluster.sh {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{text}\n{Logs()}");
        }

        return text;
    }

    /// <summary>Starts a process again and waits until it is up: Redis accepting connections, a silo started, a gateway ready.</summary>
    public Task StartAsync(string name) => BringUpAsync("start", name);

    /// <summary>SIGTERM, then start again (cluster.sh restart), and waits until it is up.</summary>
    public Task RestartAsync(string name) => BringUpAsync("restart", name);

    /// <summary>Whether a process is running, stopped or down, as cluster.sh status says.</summary>
    public async Task<string> StateOfAsync(string name)
    {
        var status = await RunAsync("status");
        return status.Split('\n').Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).First(parts => parts.Length > 1 && parts[0] == name)[1];
    }

    private async Task BringUpAsync(string command, string name)
    {
        var log = System.IO.Path.Combine(_state.Path, "state", $"{name}.log");
        var marker = name == "redis" ? "Ready to accept connections" : "Application started";
        var before = CountLines(log, marker);
        await RunAsync(command, name);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (CountLines(log, marker) <= before || (name.StartsWith("gateway", StringComparison.Ordinal) && !await IsReadyAsync(name)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{name} did not come up\n{Logs()}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>The end of every process's log, for a failure message.</summary>
    public string Logs()
    {
        var folder = System.IO.Path.Combine(_state.Path, "state");
        if (!Directory.Exists(folder))
        {
            return "";
        }

        return string.Join("\n", Directory.GetFiles(folder, "*.log").Select(file =>
        {
            var lines = File.ReadAllLines(file);
            return $"--- {System.IO.Path.GetFileName(file)}\n{string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 40)))}";
        }));
    }

    private static int CountLines(string log, string marker)
    {
        if (!File.Exists(log))
        {
            return 0;
        }

        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split(marker).Length - 1;
    }

    private async Task<bool> IsReadyAsync(string name)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await http.GetAsync(new Uri(Gateways[name == "gateway1" ? 0 : 1], "/health/ready"));
            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("down");
        }
        finally
        {
            _state.Dispose();
        }
    }
}
