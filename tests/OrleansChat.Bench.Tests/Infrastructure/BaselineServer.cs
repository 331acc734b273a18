using OrleansChat.Baseline.Hosting;

namespace OrleansChat.Bench.Tests.Infrastructure;

/// <summary>bench/Baseline as its Program.cs builds it (<c>AddBaselineChat</c>, <c>MapBaselineChat</c>), on loopback.</summary>
internal static class BaselineServer
{
    public static Task<LoopbackApp> StartAsync() => LoopbackApp.StartAsync(builder => builder.AddBaselineChat(), app => app.MapBaselineChat());
}
