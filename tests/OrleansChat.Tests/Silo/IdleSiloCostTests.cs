using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Silo;

/// <summary>
/// The silo's runtime settings that keep an idle silo cheap (docs/decisions/0005-silo-tier-up-after-1000-calls.md,
/// 0006-thread-pool-spin-limit-zero.md); the CPU itself is measured only in the bench.
/// </summary>
public sealed class IdleSiloCostTests
{
    [Fact]
    public void TheSiloTiersUpAfterAThousandCallsSoPeriodicWorkIsNotRecompiled()
    {
        var properties = RuntimeConfig.PropertiesOf("OrleansChat.Silo");

        Assert.Equal(1000, properties.GetProperty("System.Runtime.TieredCompilation.CallCountThreshold").GetInt32());
    }

    [Fact]
    public void TheSilosIdleThreadPoolWorkersWaitWithoutSpinning()
    {
        var properties = RuntimeConfig.PropertiesOf("OrleansChat.Silo");

        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }
}
