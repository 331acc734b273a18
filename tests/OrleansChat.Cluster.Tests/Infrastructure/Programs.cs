namespace OrleansChat.Cluster.Tests.Infrastructure;

/// <summary>The silo and gateway programs as built with the tests (the same configuration), run as users run them.</summary>
internal static class Programs
{
    /// <summary>Release or Debug: whichever this test assembly was built as.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{System.IO.Path.DirectorySeparatorChar}Debug{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    /// <summary>Starts a silo in the Silo folder (where its appsettings.json is) with the given variables.</summary>
    public static ChildProcess StartSilo(IReadOnlyDictionary<string, string> environment) =>
        ChildProcess.Start("dotnet", [$"bin/{Configuration}/net10.0/OrleansChat.Silo.dll"], Repository.Path("Silo"), environment);

    /// <summary>
    /// The variables of one silo on the Redis profile at <paramref name="redis"/>, listening on
    /// 127.0.0.1 with free silo and gateway ports and no metrics listener; the same dictionary starts it
    /// again on the same ports.
    /// </summary>
    public static Dictionary<string, string> RedisSilo(string redis, string serviceId) => new()
    {
        ["Chat__Cluster__Clustering"] = "Redis",
        ["Chat__Cluster__Storage"] = "Redis",
        ["Chat__Cluster__Redis"] = redis,
        ["Chat__Cluster__ClusterId"] = serviceId,
        ["Chat__Cluster__ServiceId"] = serviceId,
        ["Chat__Cluster__AdvertisedIP"] = "127.0.0.1",
        ["Chat__Cluster__SiloPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Chat__Cluster__GatewayPort"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Chat__Cluster__MetricsPort"] = "0",
    };

    /// <summary>Starts a gateway in the Gateway folder with the given variables.</summary>
    public static ChildProcess StartGateway(IReadOnlyDictionary<string, string> environment) =>
        ChildProcess.Start("dotnet", [$"bin/{Configuration}/net10.0/OrleansChat.Gateway.dll"], Repository.Path("Gateway"), environment);
}
