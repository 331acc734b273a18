using OrleansChat.Bench.Results;

namespace OrleansChat.Bench.Tests.Report;

/// <summary>How every number in the tables and the Markdown report is written.</summary>
public sealed class ResultTableTests
{
    [Theory]
    [InlineData(0, "0")]
    [InlineData(3, "3")]
    [InlineData(-2, "-2")]
    [InlineData(10975, "10,975")]
    [InlineData(380069, "380,069")]
    [InlineData(1.85, "1.85")]
    [InlineData(2.0329, "2.033")]
    [InlineData(0.0004, "0")]
    [InlineData(99.5, "99.5")]
    [InlineData(123.456, "123.5")]
    [InlineData(7999.44, "7,999.4")]
    [InlineData(double.NaN, "n/a")]
    [InlineData(double.PositiveInfinity, "n/a")]
    public void IntegersArePlainAndOtherNumbersKeepAtMostThreeDecimals(double value, string text)
    {
        Assert.Equal(text, ResultTable.Format(value));
    }
}
