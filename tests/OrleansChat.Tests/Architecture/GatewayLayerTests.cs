using System.Text.RegularExpressions;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Architecture;

/// <summary>
/// The gateway's layers depend one way: transport ← sessions ← hub ← cluster, with security
/// (who a token says you are, and which rooms it opens) a leaf any of them may use. Read from the
/// sources: a namespace of a sibling layer is only reachable through a <c>using</c> or a qualified
/// name, and the gateway declares no global usings of its own.
/// </summary>
public sealed partial class GatewayLayerTests
{
    /// <summary>What each folder of Gateway/ may use of the others; Hosting composes them all.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Security"] = [],
        ["Transport"] = ["Security"],
        ["Transport.Direct"] = ["Transport", "Security"],
        ["Sessions"] = ["Transport", "Security", "Metrics"],
        ["Hub"] = ["Sessions", "Metrics"],
        ["Cluster"] = ["Hub"],
        ["Endpoint"] = ["Transport", "Security", "Sessions", "Hub", "Metrics"],
        ["Api"] = ["Security", "Sessions", "Hub", "Metrics"],
        ["Metrics"] = ["Transport"],
    };

    [Fact]
    public void EachLayerUsesOnlyTheLayersBelowIt()
    {
        var wrong = Dependencies()
            .Where(d => d.From != "Hosting" && !(Allowed.TryGetValue(d.From, out var allowed) && allowed.Contains(d.To)))
            .Select(d => $"{d.File}: {d.From} uses {d.To}")
            .ToList();

        Assert.Empty(wrong);
    }

    [Fact]
    public void TheLayersHaveNoCycle()
    {
        var edges = Dependencies().Where(d => d.From != "Hosting").Select(d => (d.From, d.To)).Distinct().ToList();
        var remaining = edges.SelectMany(e => new[] { e.From, e.To }).ToHashSet();

        // Kahn's algorithm: peel off layers nothing left depends on; a cycle leaves some behind.
        while (remaining.FirstOrDefault(n => !edges.Any(e => e.To == n && remaining.Contains(e.From))) is { } top)
        {
            remaining.Remove(top);
        }

        Assert.Empty(remaining);
        Assert.Contains(("Sessions", "Transport"), edges);
        Assert.Contains(("Hub", "Sessions"), edges);
        Assert.Contains(("Cluster", "Hub"), edges);
    }

    [Fact]
    public void EveryFolderOfTheGatewayIsALayerWithRules()
    {
        var folders = Sources().Select(s => s.Layer).Distinct().Where(l => l != "Hosting");

        Assert.All(folders, folder => Assert.True(Allowed.ContainsKey(folder), $"Gateway/{folder.Replace('.', '/')} has no rule here"));
    }

    private static IEnumerable<(string File, string From, string To)> Dependencies() =>
        from source in Sources()
        from match in GatewayReference().Matches(File.ReadAllText(source.Path)).Cast<Match>()
        let to = match.Groups["layer"].Value
        where to != source.Layer
        select (Path.GetRelativePath(GatewayHost.RepositoryPath("."), source.Path), source.Layer, to);

    private static IEnumerable<(string Path, string Layer)> Sources()
    {
        var root = GatewayHost.RepositoryPath("Gateway");
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && Path.GetDirectoryName(p) != root)
            .Select(p => (p, Path.GetRelativePath(root, Path.GetDirectoryName(p)!).Replace(Path.DirectorySeparatorChar, '.')));
    }

    // A using of, or a name qualified with, another gateway namespace (Transport.Direct before Transport).
    [GeneratedRegex(@"OrleansChat\.Gateway\.(?<layer>Transport\.Direct|[A-Z][A-Za-z]*)")]
    private static partial Regex GatewayReference();
}
