using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using OrleansChat.Cluster.Tests.Infrastructure;

namespace OrleansChat.Cluster.Tests;

/// <summary>A gateway process whose only silo dies: requests fail fast, and it finds the silo again by itself.</summary>
public sealed class NoSiloTests
{
    private const string ServiceId = "no-silo-test";

    [Fact]
    public async Task With_no_silo_a_send_and_a_join_get_unavailable_within_2_s_and_the_gateway_reconnects_when_a_silo_is_back()
    {
        using var redis = await RedisServer.StartAsync();
        var silo = Programs.RedisSilo(redis.ConnectionString, ServiceId);
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var gatewayEnvironment = new Dictionary<string, string>
        {
            ["Chat__Cluster__Clustering"] = "Redis",
            ["Chat__Cluster__Redis"] = redis.ConnectionString,
            ["Chat__Cluster__ClusterId"] = ServiceId,
            ["Chat__Cluster__ServiceId"] = ServiceId,
            ["ASPNETCORE_URLS"] = url,
        };

        var siloProcess = Programs.StartSilo(silo);
        using var gateway = Programs.StartGateway(gatewayEnvironment);
        try
        {
            await siloProcess.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(90));
            await gateway.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(90));
            using var socket = new ClientWebSocket();
            await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{new Uri(url).Port}/ws?name=alice"), CancellationToken.None);
            var frames = new FrameReader(socket);
            await frames.NextAsync("welcome");
            await Send(socket, new { type = "join", room = "lobby" });
            await frames.NextAsync("joined");
            await Send(socket, new { type = "send", room = "lobby", id = "m-1", text = "before" });
            Assert.Equal(1, (await frames.NextAsync("ack")).GetProperty("seq").GetInt64());

            var beforeKill = gateway.OutputLength;
            siloProcess.Kill();
            siloProcess.Dispose();
            await gateway.WaitForOutputAsync("Lost the connection to the cluster", TimeSpan.FromSeconds(30), beforeKill);

            var sent = Stopwatch.StartNew();
            await Send(socket, new { type = "send", room = "lobby", id = "m-2", text = "nobody there" });
            var error = await frames.NextAsync("error");
            var sendAnswered = sent.Elapsed;
            Assert.Equal("unavailable", error.GetProperty("code").GetString());
            Assert.Equal("m-2", error.GetProperty("id").GetString());

            var joining = Stopwatch.StartNew();
            await Send(socket, new { type = "join", room = "elsewhere" });
            var joinError = await frames.NextAsync("error");
            var joinAnswered = joining.Elapsed;
            Assert.Equal("unavailable", joinError.GetProperty("code").GetString());
            Assert.True(sendAnswered < TimeSpan.FromSeconds(2), $"the send was answered after {sendAnswered}");
            Assert.True(joinAnswered < TimeSpan.FromSeconds(2), $"the join was answered after {joinAnswered}");

            // Something that accepts connections on the silo's gateway port but never answers, as a silo that is
            // still starting does: the gateway's client connects to it and counts it as a gateway, yet reaches no silo.
            var mute = new TcpListener(IPAddress.Loopback, int.Parse(silo["Chat__Cluster__GatewayPort"], CultureInfo.InvariantCulture));
            mute.Start();
            try
            {
                using var accepted = await mute.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30));
                var muteSent = Stopwatch.StartNew();
                await Send(socket, new { type = "send", room = "lobby", id = "m-2", text = "nobody there" });
                var muteError = await frames.NextAsync("error");
                Assert.Equal("unavailable", muteError.GetProperty("code").GetString());
                Assert.True(muteSent.Elapsed < TimeSpan.FromSeconds(2), $"the send with a mute gateway port was answered after {muteSent.Elapsed}");
            }
            finally
            {
                mute.Stop();
            }

            // A silo again: the gateway finds it without any request of ours, and the retried id is stored once.
            var beforeRestart = gateway.OutputLength;
            siloProcess = Programs.StartSilo(silo);
            await gateway.WaitForOutputAsync("Connection to the cluster recovered", TimeSpan.FromSeconds(90), beforeRestart);
            await Send(socket, new { type = "send", room = "lobby", id = "m-2", text = "nobody there" });
            Assert.Equal(2, (await frames.NextAsync("ack")).GetProperty("seq").GetInt64());
        }
        finally
        {
            siloProcess.Dispose();
        }
    }

    private static Task Send(ClientWebSocket socket, object frame) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Reads frames in order, skipping those of other types (presence).</summary>
    private sealed class FrameReader(ClientWebSocket socket)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];

        public async Task<JsonElement> NextAsync(string type)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (true)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(_buffer, timeout.Token);
                    message.Write(_buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);

                var frame = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
                if (frame.GetProperty("type").GetString() == type)
                {
                    return frame;
                }

                if (frame.GetProperty("type").GetString() is "error" or "ack")
                {
                    throw new InvalidOperationException($"expected {type}, got {Encoding.UTF8.GetString(message.ToArray())}");
                }
            }
        }
    }
}
