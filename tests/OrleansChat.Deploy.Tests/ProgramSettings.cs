using System.Collections;
using System.Reflection;

namespace OrleansChat.Deploy.Tests;

/// <summary>
/// The settings a program reads: the properties of its options classes, each bound from the
/// section named by the class's <c>Section</c> constant, found by reflection in the program's own
/// assemblies (so a class that moves is still found). Several classes may share a section, each
/// beside the layer it configures (the gateway's <c>Chat:Gateway</c>).
/// </summary>
public sealed class ProgramSettings
{
    private readonly ILookup<string, Type> _sections;

    /// <summary>The options classes of the program whose entry assembly holds <paramref name="anyType"/>.</summary>
    public ProgramSettings(Type anyType)
    {
        var program = anyType.Assembly;
        var assemblies = program.GetReferencedAssemblies()
            .Where(a => a.Name!.StartsWith("OrleansChat", StringComparison.Ordinal))
            .Select(Assembly.Load)
            .Append(program);
        _sections = assemblies
            .SelectMany(a => a.GetTypes())
            .Select(t => (Type: t, Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(t => t.Section is not null)
            .ToLookup(t => t.Section!, t => t.Type, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Whether an environment variable (<c>Chat__Cluster__SiloPort</c>, <c>Chat__Gateway__ForwardedHeaders__KnownNetworks__0</c>)
    /// names a property of an options class: the longest section that prefixes it, then a property
    /// of one of that section's classes, then at most an index into a collection property.
    /// </summary>
    public bool Reads(string variable)
    {
        var parts = variable.Split("__");
        for (var length = parts.Length - 1; length >= 1; length--)
        {
            var classes = _sections[string.Join(':', parts[..length])].ToList();
            if (classes.Count == 0)
            {
                continue;
            }

            var rest = parts[(length + 1)..];
            return classes
                .Select(options => options.GetProperty(parts[length], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase))
                .Any(property => property is not null && (rest.Length == 0
                    || (rest.Length == 1 && int.TryParse(rest[0], out _) && property.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(property.PropertyType))));
        }

        return false;
    }
}
