using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansChat.Protocol.Tests;

/// <summary>
/// The C# side of tests/contract/frames.json, and the page's side run through node: one file of frame
/// examples that the gateway's library and the page's JavaScript must both agree with.
/// </summary>
public sealed class ContractTests
{
    private static readonly string Root = FindRoot();
    private static readonly JsonObject Cases = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "tests", "contract", "frames.json")))!.AsObject();

    public static TheoryData<string> ServerFrameCases => Names("serverFrames");

    public static TheoryData<string> UnreadableServerFrameCases => Names("unreadableServerFrames");

    public static TheoryData<string> ClientFrameCases => Names("clientFrames");

    [Theory]
    [MemberData(nameof(ServerFrameCases))]
    public void TheGatewayWritesTheServerFrameToTheByte(string name)
    {
        var (json, expected) = Case("serverFrames", name);

        Assert.Equal(json, Encoding.UTF8.GetString(Write(expected)));
    }

    [Theory]
    [MemberData(nameof(ServerFrameCases))]
    public void AClientReadsTheServerFramesFields(string name)
    {
        var (json, expected) = Case("serverFrames", name);

        var frame = ServerFrameParser.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal(expected["type"]!.GetValue<string>(), frame.Type.ToString().ToLowerInvariant());
        Assert.Equal(expected["room"]?.GetValue<string>() ?? "", Encoding.UTF8.GetString(frame.Room));
        Assert.Equal(expected["id"]?.GetValue<string>() ?? "", Encoding.UTF8.GetString(frame.Id));
        Assert.Equal(expected["seq"]?.GetValue<long>() ?? -1, frame.Seq);
        Assert.Equal(expected["code"]?.GetValue<string>(), frame.Code);
    }

    [Theory]
    [MemberData(nameof(UnreadableServerFrameCases))]
    public void AClientReadsAnUnreadableServerFrameAsOther(string name)
    {
        var json = Find("unreadableServerFrames", name)["json"]!.GetValue<string>();

        Assert.Equal(ServerFrameType.Other, ServerFrameParser.Parse(Encoding.UTF8.GetBytes(json)).Type);
    }

    [Theory]
    [MemberData(nameof(ClientFrameCases))]
    public void TheGatewayParsesTheClientFrameThePageWrites(string name)
    {
        var (json, expected) = Case("clientFrames", name);

        var (frame, error) = ClientFrameParser.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Null(error);
        Assert.Equal(Expected(expected), frame);
    }

    [Theory]
    [MemberData(nameof(ClientFrameCases))]
    public void TheLibraryWritesTheClientFrameAsThePageDoes(string name)
    {
        var (json, expected) = Case("clientFrames", name);
        var write = Find("clientFrames", name)["write"]!.AsArray();
        string Arg(int i) => write[i]!.GetValue<string>();

        var written = write[0]!.GetValue<string>() switch
        {
            "joinFrame" => ClientFrames.Join(Arg(1), write.Count > 2 ? write[2]!.GetValue<long>() : null, write.Count > 3 ? Arg(3) : null),
            "leaveFrame" => ClientFrames.Leave(Arg(1)),
            "typingFrame" => ClientFrames.Typing(Arg(1)),
            "sendFrame" => ClientFrames.Send(Arg(1), Arg(2), Arg(3)),
            "pingFrame" => ClientFrames.Ping,
            var other => throw new InvalidOperationException($"no C# writer for '{other}'"),
        };

        // The same fields in the same order; the bytes may differ only in escaping (System.Text.Json
        // escapes characters outside the Basic Multilingual Plane, JSON.stringify does not).
        Assert.Equal(JsonNode.Parse(json)!.ToJsonString(), JsonNode.Parse(written)!.ToJsonString());
        Assert.Equal(Expected(expected), ClientFrameParser.Parse(written).Frame);
    }

    [Fact]
    public async Task ThePageReadsAndWritesEveryCase()
    {
        var start = new ProcessStartInfo("node", ["--test", Path.Combine("tests", "contract", "frames.test.mjs")])
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var node = Process.Start(start)!;
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = node.StandardOutput.ReadToEndAsync(limit.Token);
        var errors = node.StandardError.ReadToEndAsync(limit.Token);
        await node.WaitForExitAsync(limit.Token);
        var (stdout, stderr) = (await output, await errors);

        Assert.True(node.ExitCode == 0, $"node --test failed ({node.ExitCode}):\n{stdout}\n{stderr}");
        Assert.Contains($"# pass {Count("serverFrames") + Count("unreadableServerFrames") + Count("clientFrames")}", stdout, StringComparison.Ordinal);
    }

    private static byte[] Write(JsonObject e)
    {
        string S(string key) => e[key]!.GetValue<string>();
        long N(string key) => e[key]!.GetValue<long>();
        return S("type") switch
        {
            "welcome" => ServerFrames.Welcome(S("user"), S("connectionId")),
            "joined" => ServerFrames.Joined(
                S("room"), S("epoch"), N("seq"), e["history"]!.AsArray().Select(m => Message(m!.AsObject())), e["recovered"]!.GetValue<bool>(),
                e["members"]!.AsArray().Select(m => m!.GetValue<string>())),
            "message" => ServerFrames.Message(S("room"), Message(e)),
            "ack" => ServerFrames.Ack(S("room"), S("id"), N("seq")),
            "presence" => ServerFrames.Presence(S("room"), S("user"), S("event") == "join"),
            "typing" => ServerFrames.Typing(S("room"), S("user")),
            "left" => ServerFrames.Left(S("room")),
            "error" => ServerFrames.Error(new ProtocolError(S("code"), S("message"), e["id"]?.GetValue<string>(), e["room"]?.GetValue<string>())),
            "pong" => ServerFrames.Pong,
            var other => throw new InvalidOperationException($"no C# writer for '{other}'"),
        };
    }

    private static StoredMessage Message(JsonObject m) => new(
        m["seq"]!.GetValue<long>(),
        m["id"]!.GetValue<string>(),
        m["user"]!.GetValue<string>(),
        m["text"]!.GetValue<string>(),
        DateTimeOffset.Parse(m["ts"]!.GetValue<string>(), CultureInfo.InvariantCulture));

    private static ClientFrame Expected(JsonObject e) => new(
        Enum.Parse<ClientFrameType>(e["type"]!.GetValue<string>(), ignoreCase: true),
        e["room"]?.GetValue<string>(),
        e["id"]?.GetValue<string>(),
        e["text"]?.GetValue<string>(),
        e["since"]?.GetValue<long>(),
        e["epoch"]?.GetValue<string>());

    private static (string Json, JsonObject Expected) Case(string list, string name)
    {
        var c = Find(list, name);
        return (c["json"]!.GetValue<string>(), c["expected"]!.AsObject());
    }

    private static JsonObject Find(string list, string name) =>
        Cases[list]!.AsArray().Select(c => c!.AsObject()).Single(c => c["name"]!.GetValue<string>() == name);

    private static int Count(string list) => Cases[list]!.AsArray().Count;

    private static TheoryData<string> Names(string list) => [.. Cases[list]!.AsArray().Select(c => c!["name"]!.GetValue<string>())];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansChat.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no OrleansChat.sln above {AppContext.BaseDirectory}");
    }
}
