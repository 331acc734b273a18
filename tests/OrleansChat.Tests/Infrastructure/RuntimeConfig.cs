using System.Text.Json;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// The runtime settings a built app starts with: the <c>configProperties</c> of its
/// <c>runtimeconfig.json</c>, which the build copies next to the tests with the app itself.
/// </summary>
public static class RuntimeConfig
{
    /// <summary>The configuration properties of the app whose assembly is <paramref name="assemblyName"/>.</summary>
    public static JsonElement PropertiesOf(string assemblyName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, $"{assemblyName}.runtimeconfig.json");
        using var runtimeConfig = JsonDocument.Parse(File.ReadAllText(path));
        return runtimeConfig.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }
}
