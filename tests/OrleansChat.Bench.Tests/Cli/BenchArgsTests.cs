using OrleansChat.Bench.Cli;
using OrleansChat.Bench.Tests.Infrastructure;

namespace OrleansChat.Bench.Tests.Cli;

public sealed class BenchArgsTests
{
    [Fact]
    public void OptionsTakeTheNextArgumentOrAnEqualsValueAndABareOneIsAFlag()
    {
        var args = BenchArgs.Parse(["Latency", "--rate", "200", "--out=/tmp/x.json", "--warm", "--scale", "0.05"]);

        Assert.Equal("latency", args.Verb);
        Assert.Equal(200, args.GetDouble("rate", 1));
        Assert.Equal("/tmp/x.json", args.GetString("out"));
        Assert.True(args.GetFlag("warm"));
        Assert.Equal(0.05, args.GetDouble("scale", 1));
        Assert.Equal(7, args.GetInt("receivers", 7));
        Assert.False(args.GetFlag("quick"));
        args.ThrowIfUnused();
    }

    [Fact]
    public void AListOfNumbersIsSplitOnCommas()
    {
        var args = BenchArgs.Parse(["sweep", "--rates", "50, 100,200"]);

        Assert.Equal([50.0, 100.0, 200.0], args.GetDoubles("rates", []));
    }

    [Fact]
    public void AnOptionNoCodeAskedForIsReported()
    {
        var args = BenchArgs.Parse(["latency", "--rate", "200", "--recievers", "4"]);
        args.GetDouble("rate", 1);
        args.GetInt("receivers", 50);

        var error = Assert.Throws<ArgumentException>(args.ThrowIfUnused);
        Assert.Contains("--recievers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnArgumentThatIsNotAnOptionIsRefused()
    {
        Assert.Throws<ArgumentException>(() => BenchArgs.Parse(["latency", "200"]));
    }

    [Fact]
    public async Task AMisspeltScenarioOptionFailsTheRunBeforeAnythingIsWritten()
    {
        using var folder = new TempDirectory();
        using var console = new CapturedConsole();
        var output = Path.Combine(folder.Path, "latency.json");

        // 127.0.0.1:9 is the discard port: nothing should ever try to connect to it here.
        var exit = await BenchCommand.RunAsync(["latency", "--url", "http://127.0.0.1:9", "--out", output, "--recievers", "4"]);

        Assert.Equal(2, exit);
        Assert.Contains("--recievers", console.Text, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("http://10.1.2.3:5090")]
    [InlineData("ws://192.168.0.1/ws")]
    [InlineData("ftp://127.0.0.1:5090")]
    public async Task ATargetThatIsNotLoopbackOverHttpOrWsIsRefused(string url)
    {
        using var console = new CapturedConsole();

        Assert.Equal(2, await BenchCommand.RunAsync(["latency", "--url", url]));
    }

    [Theory]
    [InlineData("silo1=http://127.0.0.11:9464/health/ready", "at least two silos")]
    [InlineData("silo1,silo2", "NAME=HEALTH-URL items")]
    public async Task FailoverRefusesSilosItCannotKillOneAtATimeBeforeKillingAnything(string silos, string message)
    {
        using var folder = new TempDirectory();
        using var console = new CapturedConsole();
        var marker = Path.Combine(folder.Path, "killed");

        var exit = await BenchCommand.RunAsync(["failover", "--url", "http://127.0.0.1:9", "--silos", silos, "--kill", $"touch {marker}", "--start", "true"]);

        Assert.Equal(2, exit);
        Assert.Contains(message, console.Text, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
    }
}
