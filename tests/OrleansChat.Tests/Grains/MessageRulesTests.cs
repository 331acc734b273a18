using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Grains;

public sealed class MessageRulesTests
{
    [Theory]
    [InlineData("a", 4000, false)]
    [InlineData("a", 4001, true)]
    [InlineData(Texts.Emoji, 4000, false)]
    [InlineData(Texts.Emoji, 4001, true)]
    [InlineData("a" + Texts.Emoji, 2000, false)]
    [InlineData("a" + Texts.Emoji, 2001, true)]
    [InlineData("a", 9000, true)]
    public void TextIsTooLongPastTheLimitCountedInUnicodeScalarValues(string unit, int count, bool tooLong)
    {
        Assert.Equal(tooLong, MessageRules.IsTooLong(Texts.Repeat(unit, count), 4000));
    }

    [Fact]
    public void ALoneSurrogateCountsAsOneCharacter()
    {
        // Here, not in attribute data: metadata stores attribute strings as UTF-8, which has no lone surrogates.
        const string high = "\ud83d";
        const string low = "\ude00";

        Assert.False(MessageRules.IsTooLong(Texts.Repeat(high, 4000), 4000));
        Assert.True(MessageRules.IsTooLong(Texts.Repeat(high, 4001), 4000));
        Assert.False(MessageRules.IsTooLong(Texts.Repeat(low + Texts.Emoji, 2000), 4000));
        Assert.True(MessageRules.IsTooLong(Texts.Repeat(Texts.Emoji + low, 2000) + high, 4000));
    }

    [Theory]
    [InlineData("m", 64, true)]
    [InlineData("m", 65, false)]
    [InlineData(Texts.Emoji, 64, true)]
    [InlineData(Texts.Emoji, 65, false)]
    [InlineData("m", 0, false)]
    public void AMessageIdIsOneToSixtyFourCharactersCountedLikeTheText(string unit, int count, bool valid)
    {
        Assert.Equal(valid, MessageRules.IsValidId(Texts.Repeat(unit, count)));
    }
}
