using System.Text;

namespace OrleansChat.Protocol.Tests;

/// <summary>
/// Every client frame of the contract, and every way a frame can be malformed with the error the
/// gateway answers it with (code, message, and the id and room it echoes).
/// </summary>
public sealed class ClientFrameParserTests
{
    private const string NotJson = "frame is not valid JSON";
    private const string NotObject = "frame is not a JSON object";
    private const string NoType = "frame has no string field 'type'";
    private const string NoRoom = "frame has no string field 'room'";
    private const string BadRoom = "room names are 1 to 64 of A-Z a-z 0-9 _ . - and start with a letter or digit";
    private const string BadSince = "'since' must be a whole number of 0 or more";
    private const string BadId = "'id' must be a string of 1 to 64 characters";
    private const string NotUnicode = "frame has a string that is not valid Unicode";

    [Fact]
    public void PingHasNoFields()
    {
        Assert.Equal(new ClientFrame(ClientFrameType.Ping), Accepted("""{"type":"ping"}"""));
    }

    [Fact]
    public void PingIgnoresARoomItDoesNotNeed()
    {
        Assert.Equal(new ClientFrame(ClientFrameType.Ping), Accepted("""{"type":"ping","room":"not a room!"}"""));
    }

    [Fact]
    public void JoinCarriesItsRoom()
    {
        Assert.Equal(new ClientFrame(ClientFrameType.Join, Room: "lobby"), Accepted("""{"type":"join","room":"lobby"}"""));
    }

    [Fact]
    public void ARejoinCarriesItsSinceAndEpoch()
    {
        Assert.Equal(
            new ClientFrame(ClientFrameType.Join, Room: "lobby", Since: 41, Epoch: "e-1"),
            Accepted("""{"type":"join","room":"lobby","since":41,"epoch":"e-1"}"""));
    }

    [Theory]
    [InlineData("""{"type":"join","room":"lobby","since":0}""", 0L, null)]
    [InlineData("""{"type":"join","room":"lobby","since":null,"epoch":null}""", null, null)]
    [InlineData("""{"type":"join","room":"lobby","epoch":"e"}""", null, "e")]
    [InlineData("""{"type":"join","room":"lobby","since":9223372036854775807}""", long.MaxValue, null)]
    public void SinceAndEpochAreEachOptionalAndNullIsAbsent(string json, long? since, string? epoch)
    {
        Assert.Equal(new ClientFrame(ClientFrameType.Join, Room: "lobby", Since: since, Epoch: epoch), Accepted(json));
    }

    [Theory]
    [InlineData("leave", ClientFrameType.Leave)]
    [InlineData("typing", ClientFrameType.Typing)]
    public void LeaveAndTypingCarryOnlyTheirRoom(string type, ClientFrameType expected)
    {
        Assert.Equal(new ClientFrame(expected, Room: "r_1.a-b"), Accepted($$"""{"type":"{{type}}","room":"r_1.a-b","id":"ignored"}"""));
    }

    [Fact]
    public void SendCarriesItsRoomIdAndTextAsSent()
    {
        Assert.Equal(
            new ClientFrame(ClientFrameType.Send, Room: "lobby", Id: "m-1", Text: "  hé \"<b>\" 😀  "),
            Accepted("""{"type":"send","room":"lobby","id":"m-1","text":"  h\u00e9 \"<b>\" 😀  "}"""));
    }

    [Fact]
    public void FieldsComeInAnyOrderAndUnknownOnesAreIgnored()
    {
        Assert.Equal(
            new ClientFrame(ClientFrameType.Send, Room: "lobby", Id: "m1", Text: "hi"),
            Accepted("""{"text":"hi","extra":{"a":[1,2]},"id":"m1","room":"lobby","type":"send"}"""));
    }

    [Fact]
    public void ABlankTextIsTheSessionsToRefuseNotTheParsers()
    {
        // Blank and too long depend on the session (configured limit, its own error text).
        Assert.Equal(new ClientFrame(ClientFrameType.Send, Room: "lobby", Id: "m1", Text: " "), Accepted("""{"type":"send","room":"lobby","id":"m1","text":" "}"""));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"type":"ping" """)]
    [InlineData("""{"type":"ping"}{"type":"ping"}""")]
    [InlineData("""{'type':'ping'}""")]
    public void AFrameThatIsNotJsonIsABadRequest(string json)
    {
        Assert.Equal(new ProtocolError(ErrorCodes.BadRequest, NotJson), Refused(json));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""["ping"]""")]
    [InlineData("\"ping\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void AFrameThatIsNotAnObjectIsABadRequest(string json)
    {
        Assert.Equal(new ProtocolError(ErrorCodes.BadRequest, NotObject), Refused(json));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"type":5}""")]
    [InlineData("""{"type":null}""")]
    [InlineData("""{"Type":"ping"}""")]
    public void AFrameWithoutAStringTypeIsABadRequest(string json)
    {
        Assert.Equal(new ProtocolError(ErrorCodes.BadRequest, NoType), Refused(json));
    }

    [Fact]
    public void AnErrorEchoesTheIdAndRoomTheFrameHad()
    {
        Assert.Equal(new ProtocolError(ErrorCodes.BadRequest, NoType, "m1", "lobby"), Refused("""{"id":"m1","room":"lobby"}"""));
    }

    [Theory]
    [InlineData("shout", "unknown frame type 'shout'")]
    [InlineData("PING", "unknown frame type 'PING'")]
    [InlineData("", "unknown frame type ''")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789", "unknown frame type 'abcdefghijklmnopqrstuvwxyz012345…'")]
    public void AnUnknownTypeIsABadRequestNamingItShortened(string type, string message)
    {
        Assert.Equal(
            new ProtocolError(ErrorCodes.BadRequest, message, "m1", "lobby"),
            Refused($$"""{"type":"{{type}}","id":"m1","room":"lobby"}"""));
    }

    [Theory]
    [InlineData("join")]
    [InlineData("leave")]
    [InlineData("typing")]
    [InlineData("send")]
    public void AFrameForARoomWithoutAStringRoomIsABadRequest(string type)
    {
        Assert.Equal(new ProtocolError(ErrorCodes.BadRequest, NoRoom), Refused($$"""{"type":"{{type}}"}"""));
        Assert.Equal(new ProtocolError(ErrorCodes.BadRequest, NoRoom), Refused($$"""{"type":"{{type}}","room":7}"""));
    }

    [Theory]
    [InlineData("leave")]
    [InlineData("typing")]
    [InlineData("send")]
    public void ARoomErrorEchoesTheFramesId(string type)
    {
        Assert.Equal(new ProtocolError(ErrorCodes.BadRequest, NoRoom, "m1"), Refused($$"""{"type":"{{type}}","id":"m1"}"""));
        Assert.Equal(new ProtocolError(ErrorCodes.BadRoom, BadRoom, "m1", "-x"), Refused($$"""{"type":"{{type}}","id":"m1","room":"-x"}"""));
    }

    [Fact]
    public void AJoinErrorEchoesNoId()
    {
        Assert.Equal(new ProtocolError(ErrorCodes.BadRoom, BadRoom, Room: "-x"), Refused("""{"type":"join","id":"m1","room":"-x"}"""));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-lobby")]
    [InlineData("_lobby")]
    [InlineData("lob by")]
    [InlineData("lobby/1")]
    [InlineData("lobby\n")]
    [InlineData("é")]
    public void ARoomOutsideThePatternIsABadRoom(string room)
    {
        var json = $$"""{"type":"join","room":{{System.Text.Json.JsonSerializer.Serialize(room)}}}""";

        Assert.Equal(new ProtocolError(ErrorCodes.BadRoom, BadRoom, Room: room), Refused(json));
    }

    [Fact]
    public void ARoomOfSixtyFourCharactersIsAcceptedAndOneMoreIsABadRoom()
    {
        var room = "a" + new string('b', 63);

        Assert.Equal(room, Accepted($$"""{"type":"join","room":"{{room}}"}""").Room);
        Assert.Equal(new ProtocolError(ErrorCodes.BadRoom, BadRoom, Room: room + "b"), Refused($$"""{"type":"join","room":"{{room}}b"}"""));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("\"41\"")]
    [InlineData("true")]
    [InlineData("99999999999999999999")]
    public void ASinceThatIsNotAWholeNumberOfZeroOrMoreIsABadRequest(string since)
    {
        Assert.Equal(
            new ProtocolError(ErrorCodes.BadRequest, BadSince, Room: "lobby"),
            Refused($$"""{"type":"join","room":"lobby","since":{{since}}}"""));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("{}")]
    [InlineData("false")]
    public void AnEpochThatIsNotAStringIsABadRequest(string epoch)
    {
        Assert.Equal(
            new ProtocolError(ErrorCodes.BadRequest, "'epoch' must be a string", Room: "lobby"),
            Refused($$"""{"type":"join","room":"lobby","since":1,"epoch":{{epoch}}}"""));
    }

    [Theory]
    [InlineData("", "\"\"")]
    [InlineData(null, "5")]
    [InlineData(null, "null")]
    public void ASendWithoutAUsableIdIsABadRequest(string? echoed, string id)
    {
        Assert.Equal(
            new ProtocolError(ErrorCodes.BadRequest, BadId, echoed, "lobby"),
            Refused($$"""{"type":"send","room":"lobby","id":{{id}},"text":"hi"}"""));
        Assert.Equal(new ProtocolError(ErrorCodes.BadRequest, BadId, Room: "lobby"), Refused("""{"type":"send","room":"lobby","text":"hi"}"""));
    }

    [Fact]
    public void AnIdOfSixtyFourCharactersIsAcceptedAndOneMoreIsABadRequest()
    {
        var longest = new string('m', 64);

        Assert.Equal(longest, Accepted($$"""{"type":"send","room":"lobby","id":"{{longest}}","text":"hi"}""").Id);
        Assert.Equal(
            new ProtocolError(ErrorCodes.BadRequest, BadId, longest + "m", "lobby"),
            Refused($$"""{"type":"send","room":"lobby","id":"{{longest}}m","text":"hi"}"""));
    }

    [Theory]
    [InlineData("""{"type":"send","room":"lobby","id":"m1"}""")]
    [InlineData("""{"type":"send","room":"lobby","id":"m1","text":null}""")]
    [InlineData("""{"type":"send","room":"lobby","id":"m1","text":42}""")]
    [InlineData("""{"type":"send","room":"lobby","id":"m1","text":["hi"]}""")]
    public void ASendWithoutAStringTextIsABadRequest(string json)
    {
        Assert.Equal(new ProtocolError(ErrorCodes.BadRequest, "'text' must be a string", "m1", "lobby"), Refused(json));
    }

    [Theory]
    [InlineData("""{"type":"send","room":"lobby","id":"m1","text":"\ud800"}""")]
    [InlineData("""{"type":"send","room":"lobby","id":"\udc00","text":"hi"}""")]
    [InlineData("""{"type":"join","room":"lobby","epoch":"\ud83d"}""")]
    public void AStringThatIsNotValidUnicodeIsABadRequest(string json)
    {
        Assert.Equal(new ProtocolError(ErrorCodes.BadRequest, NotUnicode), Refused(json));
    }

    [Fact]
    public void BytesThatAreNotUtf8AreABadRequest()
    {
        var json = Encoding.UTF8.GetBytes("""{"type":"send","room":"lobby","id":"m1","text":"ab"}""");
        json[^3] = 0xFF;

        var (frame, error) = ClientFrameParser.Parse(json);

        Assert.Null(frame);
        Assert.Equal(ErrorCodes.BadRequest, error?.Code);
    }

    private static ClientFrame Accepted(string json)
    {
        var (frame, error) = ClientFrameParser.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Null(error);
        return Assert.IsType<ClientFrame>(frame);
    }

    private static ProtocolError Refused(string json)
    {
        var (frame, error) = ClientFrameParser.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Null(frame);
        return Assert.IsType<ProtocolError>(error);
    }
}
