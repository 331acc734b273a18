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

    /// <summary>Starts a gateway in the Gateway folder with the given variables.</summary>
    public static ChildProcess StartGateway(IReadOnlyDictionary<string, string> environment) =>
        ChildProcess.Start("dotnet", [$"bin/{Configuration}/net10.0/OrleansChat.Gateway.dll"], Repository.Path("Gateway"), environment);
}
