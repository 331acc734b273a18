using System.Text;
using OrleansChat.Bench.Client;

namespace OrleansChat.Bench.Tests.Client;

/// <summary>The server frames of shared/protocol.md, as a server writes them, and what the bench makes of them.</summary>
public sealed class ServerFrameParserTests
{
    [Fact]
    public void AMessageGivesTheBenchNumberOfItsIdAndItsSeq()
    {
        var frame = Parse("""{"type":"message","room":"lobby","seq":42,"id":"m1234","user":"alice","text":"hi","ts":"2026-11-26T12:00:00.000Z"}""");

        Assert.Equal(new ServerFrame(ServerFrameType.Message, 1234, 42, null), frame);
    }

    [Fact]
    public void AMessageWhoseTextLooksLikeOtherFieldsIsReadByItsOwnFields()
    {
        var frame = Parse("""{"type":"message","room":"lobby","seq":7,"id":"m5","user":"bob","text":"\"id\":\"m9\",\"seq\":99,\"type\":\"ack\"","ts":"2026-11-26T12:00:00.000Z"}""");

        Assert.Equal(new ServerFrame(ServerFrameType.Message, 5, 7, null), frame);
    }

    [Fact]
    public void AnIdTheServerEscapedIsReadAsTheSameId()
    {
        // JSON allows any character of a string to be escaped; "m\u0031\u0032" is "m12".
        var frame = Parse("""{"type":"message","room":"lobby","seq":4,"id":"m\u0031\u0032","user":"alice","text":"hi","ts":"2026-11-26T12:00:00.000Z"}""");

        Assert.Equal(new ServerFrame(ServerFrameType.Message, 12, 4, null), frame);
    }

    [Theory]
    [InlineData("""{"type":"ack","id":"x\u0031","seq":1}""")]
    [InlineData("""{"type":"ack","id":"m\u0031\u0032\u0033\u0034\u0035\u0036\u0037\u0038\u0039\u0030\u0031\u0032\u0033\u0034\u0035\u0036\u0037\u0038\u0039\u0030\u0031","seq":1}""")]
    public void AnEscapedIdThatIsNoBenchIdNamesNoMessage(string json)
    {
        // The second is 21 escaped digits: longer than any bench id, so it is not unescaped at all.
        Assert.Equal(new ServerFrame(ServerFrameType.Ack, -1, 1, null), Parse(json));
    }

    [Fact]
    public void AnAckGivesItsNumberAndSeq()
    {
        Assert.Equal(new ServerFrame(ServerFrameType.Ack, 17, 3, null), Parse("""{"type":"ack","room":"lobby","id":"m17","seq":3}"""));
    }

    [Fact]
    public void FieldsAreFoundInAnyOrder()
    {
        Assert.Equal(new ServerFrame(ServerFrameType.Ack, 17, 3, null), Parse("""{"seq":3,"id":"m17","room":"lobby","type":"ack"}"""));
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

        Assert.Equal(new ServerFrame(ServerFrameType.Joined, -1, 41, null), frame);
    }

    [Fact]
    public void JoinedWithItsHistoryBeforeItsSeqStillGivesTheRoomsSeq()
    {
        // JSON leaves the order of fields to the server: the history has to be stepped over, not stopped at.
        var frame = Parse("""
            {"type":"joined","history":[{"type":"message","room":"lobby","seq":40,"id":"m8","user":"a","text":"x","ts":"2026-11-26T12:00:00.000Z"}],
             "members":["alice"],"room":"lobby","epoch":"e1","seq":41,"recovered":false}
            """);

        Assert.Equal(new ServerFrame(ServerFrameType.Joined, -1, 41, null), frame);
    }

    [Fact]
    public void JoinedOfANewRoomHasSeqZero()
    {
        Assert.Equal(0, Parse("""{"type":"joined","room":"lobby","epoch":"e1","seq":0,"history":[],"recovered":false,"members":[]}""").Seq);
    }

    [Fact]
    public void WelcomeIsRecognised()
    {
        Assert.Equal(new ServerFrame(ServerFrameType.Welcome, -1, -1, null), Parse("""{"type":"welcome","user":"alice","connectionId":"c-1"}"""));
    }

    [Fact]
    public void AnErrorCarriesItsCodeAndTheNumberOfTheSendItAnswers()
    {
        var frame = Parse("""{"type":"error","code":"rate_limited","message":"slow down","id":"m77","room":"lobby"}""");

        Assert.Equal(new ServerFrame(ServerFrameType.Error, 77, -1, "rate_limited"), frame);
    }

    [Fact]
    public void AnErrorWithoutAnIdHasNoNumber()
    {
        var frame = Parse("""{"type":"error","code":"bad_room","message":"invalid room name","room":"-x"}""");

        Assert.Equal(new ServerFrame(ServerFrameType.Error, -1, -1, "bad_room"), frame);
    }

    [Fact]
    public void PongIsRecognised()
    {
        Assert.Equal(ServerFrameType.Pong, Parse("""{"type":"pong"}""").Type);
    }

    [Theory]
    [InlineData("""{"type":"presence","room":"lobby","user":"bob","event":"join"}""")]
    [InlineData("""{"type":"typing","room":"lobby","user":"bob"}""")]
    [InlineData("""{"type":"left","room":"lobby"}""")]
    [InlineData("""{"type":"something-new","seq":5,"id":"m5"}""")]
    [InlineData("""{"type":5,"seq":5,"id":"m5"}""")]
    [InlineData("""{"seq":5,"id":"m5"}""")]
    public void FramesTheBenchDoesNotUseAreOther(string json)
    {
        Assert.Equal(ServerFrameType.Other, Parse(json).Type);
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
        // A truncated message must not be counted as a delivery, nor take the receive loop down,
        // nor name message 0.
        Assert.Equal(new ServerFrame(ServerFrameType.Other, -1, -1, null), Parse(json));
    }

    [Theory]
    [InlineData("\"7\"")]
    [InlineData("7.5")]
    [InlineData("null")]
    [InlineData("99999999999999999999")]
    public void ASeqThatIsNotAWholeNumberIsMinusOne(string seq)
    {
        var frame = Parse($$"""{"type":"message","seq":{{seq}},"id":"m1"}""");

        Assert.Equal((ServerFrameType.Message, 1L, -1L), (frame.Type, frame.Index, frame.Seq));
    }

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
        Assert.Equal(expected, ServerFrameParser.ParseId(Encoding.UTF8.GetBytes(id)));
        Assert.Equal(expected, Parse($$"""{"type":"ack","id":"{{id}}","seq":1}""").Index);
    }

    [Theory]
    [InlineData("""{"type":"ack","id":12,"seq":1}""")]
    [InlineData("""{"type":"ack","id":null,"seq":1}""")]
    public void AnIdThatIsNotAPlainStringHasNoNumber(string json)
    {
        Assert.Equal(-1, Parse(json).Index);
    }

    private static ServerFrame Parse(string json) => ServerFrameParser.Parse(Encoding.UTF8.GetBytes(json));
}
