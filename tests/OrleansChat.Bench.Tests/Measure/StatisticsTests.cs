using OrleansChat.Bench.Measure;

namespace OrleansChat.Bench.Tests.Measure;

public sealed class StatisticsTests
{
    [Theory]
    [InlineData(new double[0], 0)]
    [InlineData(new double[] { 7 }, 7)]
    [InlineData(new double[] { 3, 1, 2 }, 2)]
    [InlineData(new double[] { 10, 1, 1000, 2, 3 }, 3)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 2.5)]
    [InlineData(new double[] { 1.03, 0.98 }, 1.005)]
    [InlineData(new double[] { 5, 5, 1, 9 }, 5)]
    public void TheMedianIsTheMiddleValueOrTheMeanOfTheTwoMiddleValues(double[] values, double median)
    {
        Assert.Equal(median, Statistics.Median(values), precision: 12);
    }

    [Fact]
    public void TheMedianLeavesItsInputInTheOrderItWasGiven()
    {
        double[] values = [3, 1, 2];

        Statistics.Median(values);

        Assert.Equal([3, 1, 2], values);
    }
}
