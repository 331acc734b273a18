using System.Text;

namespace OrleansChat.Protocol.Tests;

/// <summary>The server frames of the contract, as a server writes them, and what a client reads of them.</summary>
public sealed class ServerFrameParserTests
{
    [Fact]
    public void AMessageGivesItsRoomIdAndSeq()
    {
        var frame = Parse("""{"type":"message","room":"lobby","seq":42,"id":"m1234","user":"alice","text":"hi","ts":"2026-11-26T12:00:00.000Z"}""");

        Assert.Equal(new Read(ServerFrameType.Message, "lobby", "m1234", 42, null), frame);
    }

    [Fact]
    public void AMessageWhoseTextLooksLikeOtherFieldsIsReadByItsOwnFields()
    {
        var frame = Parse("""{"type":"message","room":"lobby","seq":7,"id":"m5","user":"bob","text":"\"id\":\"m9\",\"seq\":99,\"type\":\"ack\"","ts":"2026-11-26T12:00:00.000Z"}""");

        Assert.Equal(new Read(ServerFrameType.Message, "lobby", "m5", 7, null), frame);
    }

    [Fact]
    public void AnIdTheServerEscapedIsReadAsTheSameId()
    {
        // JSON allows any character of a string to be escaped; "m\u0031\u0032" is "m12".
        var frame = Parse("""{"type":"message","room":"lobby","seq":4,"id":"m\u0031\u0032","user":"alice","text":"hi","ts":"2026-11-26T12:00:00.000Z"}""");

        Assert.Equal(new Read(ServerFrameType.Message, "lobby", "m12", 4, null), frame);
    }

    [Fact]
    public void AnEscapedRoomIsReadAsTheSameRoom()
    {
        Assert.Equal("lobby", Parse("""{"type":"left","room":"\u006cobby"}""").Room);
    }

    [Fact]
    public void AnAckGivesItsRoomIdAndSeq()
    {
        Assert.Equal(new Read(ServerFrameType.Ack, "lobby", "m17", 3, null), Parse("""{"type":"ack","room":"lobby","id":"m17","seq":3}"""));
    }

    [Fact]
    public void FieldsAreFoundInAnyOrder()
    {
        Assert.Equal(new Read(ServerFrameType.Ack, "lobby", "m17", 3, null), Parse("""{"seq":3,"id":"m17","room":"lobby","type":"ack"}"""));
    }

    [Fact]
    public void JoinedGivesTheRoomsSeqNotTheSeqsOrIdsInItsHistory()
    {
        var frame = Parse("""
            {"type":"joined","room":"lobby","epoch":"e1","seq":41,
             "history":[{"type":"message","room":"lobby","seq":40,"id":"m8","user":"a","text":"x","ts":"2026-11-26T12:00:00.000Z"},
                        {"type":"message","room":"lobby","seq":41,"id":"m9","user":"a","text":"y","ts":"2026-11-26T12:00:00.000Z"}],
             "recovered":true,"members":["alice","bob"]}
            """);

        Assert.Equal(new Read(ServerFrameType.Joined, "lobby", "", 41, null), frame);
    }

    [Fact]
    public void JoinedWithItsHistoryBeforeItsSeqStillGivesTheRoomsSeq()
    {
        // JSON leaves the order of fields to the server: the history has to be stepped over, not stopped at.
        var frame = Parse("""
            {"type":"joined","history":[{"type":"message","room":"lobby","seq":40,"id":"m8","user":"a","text":"x","ts":"2026-11-26T12:00:00.000Z"}],
             "members":["alice"],"room":"lobby","epoch":"e1","seq":41,"recovered":false}
            """);

        Assert.Equal(new Read(ServerFrameType.Joined, "lobby", "", 41, null), frame);
    }

    [Fact]
    public void JoinedOfANewRoomHasSeqZero()
    {
        Assert.Equal(0, Parse("""{"type":"joined","room":"lobby","epoch":"e1","seq":0,"history":[],"recovered":false,"members":[]}""").Seq);
    }

    [Fact]
    public void WelcomeIsRecognised()
    {
        Assert.Equal(new Read(ServerFrameType.Welcome, "", "", -1, null), Parse("""{"type":"welcome","user":"alice","connectionId":"c-1"}"""));
    }

    [Fact]
    public void AnErrorCarriesItsCodeAndTheIdOfTheSendItAnswers()
    {
        var frame = Parse("""{"type":"error","code":"rate_limited","message":"slow down","id":"m77","room":"lobby"}""");

        Assert.Equal(new Read(ServerFrameType.Error, "lobby", "m77", -1, "rate_limited"), frame);
    }

    [Fact]
    public void AnErrorWithoutAnIdHasAnEmptyId()
    {
        var frame = Parse("""{"type":"error","code":"bad_room","message":"invalid room name","room":"-x"}""");

        Assert.Equal(new Read(ServerFrameType.Error, "-x", "", -1, "bad_room"), frame);
    }

    [Fact]
    public void PongIsRecognised()
    {
        Assert.Equal(ServerFrameType.Pong, Parse("""{"type":"pong"}""").Type);
    }

    [Theory]
    [InlineData("""{"type":"presence","room":"lobby","user":"bob","event":"join"}""", ServerFrameType.Presence)]
    [InlineData("""{"type":"typing","room":"lobby","user":"bob"}""", ServerFrameType.Typing)]
    [InlineData("""{"type":"left","room":"lobby"}""", ServerFrameType.Left)]
    public void EveryOtherFrameOfTheContractIsRecognised(string json, ServerFrameType type)
    {
        Assert.Equal(new Read(type, "lobby", "", -1, null), Parse(json));
    }

    [Theory]
    [InlineData("""{"type":"something-new","seq":5,"id":"m5"}""")]
    [InlineData("""{"type":5,"seq":5,"id":"m5"}""")]
    [InlineData("""{"type":{"nested":"ack"},"seq":5,"id":"m5"}""")]
    [InlineData("""{"seq":5,"id":"m5"}""")]
    public void FramesOutsideTheContractAreOther(string json)
    {
        Assert.Equal(new Read(ServerFrameType.Other, "", "m5", 5, null), Parse(json));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("""{"type":"message","room":"lobby","seq":42,"id":"m1""")]
    [InlineData("""{"type":"message","room":"lobby","seq":42,"id":"m1",""")]
    [InlineData("""{"type":"message","seq":42,"id":"m1" "x":1}""")]
    public void MalformedFramesAreOtherRatherThanAnException(string json)
    {
        // A truncated message must not be counted as a delivery, nor take the receive loop down.
        Assert.Equal(new Read(ServerFrameType.Other, "", "", -1, null), Parse(json));
    }

    [Theory]
    [InlineData("\"7\"")]
    [InlineData("7.5")]
    [InlineData("null")]
    [InlineData("99999999999999999999")]
    public void ASeqThatIsNotAWholeNumberIsMinusOne(string seq)
    {
        var frame = Parse($$"""{"type":"message","seq":{{seq}},"id":"m1"}""");

        Assert.Equal(new Read(ServerFrameType.Message, "", "m1", -1, null), frame);
    }

    [Theory]
    [InlineData("""{"type":"ack","id":12,"seq":1}""")]
    [InlineData("""{"type":"ack","id":null,"seq":1}""")]
    [InlineData("""{"type":"ack","id":{"m":"1"},"seq":1}""")]
    public void AnIdThatIsNotAStringIsEmpty(string json)
    {
        Assert.Equal(new Read(ServerFrameType.Ack, "", "", 1, null), Parse(json));
    }

    private static Read Parse(string json)
    {
        var frame = ServerFrameParser.Parse(Encoding.UTF8.GetBytes(json));
        return new Read(frame.Type, Encoding.UTF8.GetString(frame.Room), Encoding.UTF8.GetString(frame.Id), frame.Seq, frame.Code);
    }

    /// <summary>What the parser read, as values a test can compare.</summary>
    private sealed record Read(ServerFrameType Type, string Room, string Id, long Seq, string? Code);
}
