using System.Text;
using OrleansChat.Bench.Client;
using OrleansChat.Protocol;

namespace OrleansChat.Bench.Tests.Client;

/// <summary>The bench's message ids (<c>m</c> and the message number), written and read back from server frames.</summary>
public sealed class MessageIdsTests
{
    [Theory]
    [InlineData("m0", 0)]
    [InlineData("m9", 9)]
    [InlineData("m1234567890123", 1234567890123)]
    [InlineData("m", -1)]
    [InlineData("", -1)]
    [InlineData("x12", -1)]
    [InlineData("M12", -1)]
    [InlineData("m12a", -1)]
    [InlineData("m 12", -1)]
    [InlineData("m1.5", -1)]
    [InlineData("m99999999999999999999", -1)]
    public void OnlyIdsOfTheFormMAndDigitsAreBenchNumbers(string id, long expected)
    {
        Assert.Equal(expected, MessageIds.Parse(Encoding.UTF8.GetBytes(id)));
        Assert.Equal(expected, IndexOf($$"""{"type":"ack","id":"{{id}}","seq":1}"""));
    }

    [Theory]
    [InlineData("""{"type":"message","room":"lobby","seq":4,"id":"m\u0031\u0032","user":"alice","text":"hi","ts":"2026-11-26T12:00:00.000Z"}""", 12)]
    [InlineData("""{"type":"ack","id":"x\u0031","seq":1}""", -1)]
    [InlineData("""{"type":"ack","id":12,"seq":1}""", -1)]
    public void AnIdTheServerEscapedNamesTheSameMessage(string json, long expected)
    {
        Assert.Equal(expected, IndexOf(json));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(42)]
    [InlineData(long.MaxValue)]
    public void AFormattedIdReadsBackAsItsNumber(long index)
    {
        Span<char> id = stackalloc char[MessageIds.MaxLength];
        var length = MessageIds.Format(index, id);

        Assert.Equal("m" + index.ToString(System.Globalization.CultureInfo.InvariantCulture), id[..length].ToString());
        Assert.Equal(index, MessageIds.Parse(Encoding.UTF8.GetBytes(id[..length].ToArray())));
    }

    private static long IndexOf(string json) => MessageIds.Parse(ServerFrameParser.Parse(Encoding.UTF8.GetBytes(json)).Id);
}
