namespace OrleansChat.Protocol.Tests;

public sealed class MessageRulesTests
{
    // One character outside the Basic Multilingual Plane: two UTF-16 code units.
    private const string Emoji = "😀";

    [Theory]
    [InlineData("a", 4000, false)]
    [InlineData("a", 4001, true)]
    [InlineData(Emoji, 4000, false)]
    [InlineData(Emoji, 4001, true)]
    [InlineData("a" + Emoji, 2000, false)]
    [InlineData("a" + Emoji, 2001, true)]
    [InlineData("a", 9000, true)]
    public void TextIsTooLongPastTheLimitCountedInUnicodeScalarValues(string unit, int count, bool tooLong)
    {
        Assert.Equal(tooLong, MessageRules.IsTooLong(Repeat(unit, count), 4000));
    }

    [Fact]
    public void ALoneSurrogateCountsAsOneCharacter()
    {
        // Here, not in attribute data: metadata stores attribute strings as UTF-8, which has no lone surrogates.
        const string high = "\ud83d";
        const string low = "\ude00";

        Assert.False(MessageRules.IsTooLong(Repeat(high, 4000), 4000));
        Assert.True(MessageRules.IsTooLong(Repeat(high, 4001), 4000));
        Assert.False(MessageRules.IsTooLong(Repeat(low + Emoji, 2000), 4000));
        Assert.True(MessageRules.IsTooLong(Repeat(Emoji + low, 2000) + high, 4000));
    }

    [Theory]
    [InlineData("m", 64, true)]
    [InlineData("m", 65, false)]
    [InlineData(Emoji, 64, true)]
    [InlineData(Emoji, 65, false)]
    [InlineData("m", 0, false)]
    public void AMessageIdIsOneToSixtyFourCharactersCountedLikeTheText(string unit, int count, bool valid)
    {
        Assert.Equal(valid, MessageRules.IsValidId(Repeat(unit, count)));
    }

    private static string Repeat(string unit, int count) => string.Concat(Enumerable.Repeat(unit, count));
}
