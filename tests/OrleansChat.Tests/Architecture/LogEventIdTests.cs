using System.Text.RegularExpressions;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Architecture;

/// <summary>
/// Every log message of the project has an event id, unique, from its layer's range
/// (docs/configuration.md, "Log event ids"), as Orleans and Kestrel number theirs.
/// </summary>
public sealed partial class LogEventIdTests
{
    /// <summary>The first id of each folder's range of 100; the longest matching folder wins.</summary>
    private static readonly Dictionary<string, int> Ranges = new()
    {
        ["Gateway/Transport"] = 1000,
        ["Gateway/Transport/Direct"] = 1100,
        ["Gateway/Endpoint"] = 1200,
        ["Gateway/Security"] = 1300,
        ["Gateway/Sessions"] = 2000,
        ["Gateway/Hub"] = 3000,
        ["Gateway/Cluster"] = 4000,
        ["Gateway/Api"] = 5000,
        ["Gateway/Hosting"] = 6000,
        ["Gateway/Metrics"] = 7000,
        ["Silo"] = 8000,
        ["Grains"] = 9000,
    };

    private static readonly string[] Projects = ["Gateway", "Silo", "Grains"];

    [Fact]
    public void EveryLogMessageHasAnIdFromItsLayersRange()
    {
        var messages = Messages().ToList();
        var wrong = messages
            .Where(m => m.Id is not { } id || Range(m.File) is not { } first || id < first || id >= first + 100)
            .Select(m => $"{m.File}: {m.Attribute}")
            .ToList();

        Assert.NotEmpty(messages);
        Assert.Empty(wrong);
    }

    [Fact]
    public void NoTwoLogMessagesShareAnId()
    {
        var shared = Messages().Where(m => m.Id is not null).GroupBy(m => m.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.File))}");

        Assert.Empty(shared);
    }

    private static int? Range(string file) =>
        Ranges.Where(r => file.StartsWith(r.Key + "/", StringComparison.Ordinal)).OrderByDescending(r => r.Key.Length).Select(r => (int?)r.Value).FirstOrDefault();

    private static IEnumerable<(string File, string Attribute, int? Id)> Messages()
    {
        var root = GatewayHost.RepositoryPath(".");
        return from folder in Projects
               from path in Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories)
               let file = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/')
               where !file.Contains("/obj/", StringComparison.Ordinal) && !file.Contains("/bin/", StringComparison.Ordinal)
               from match in LoggerMessage().Matches(File.ReadAllText(path)).Cast<Match>()
               let id = EventId().Match(match.Value)
               select (file, match.Value, id.Success ? int.Parse(id.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : (int?)null);
    }

    [GeneratedRegex(@"\[LoggerMessage\([^\]]*\)\]", RegexOptions.Singleline)]
    private static partial Regex LoggerMessage();

    [GeneratedRegex(@"EventId\s*=\s*(\d+)")]
    private static partial Regex EventId();
}
