namespace OrleansChat.Deploy.Tests;

/// <summary>
/// deploy/env/silo.env or gateway.env: the variables a process of that kind is given, one
/// <c>NAME=value</c> a line; a comment line starting <c># secret</c> marks the next variable as a secret.
/// </summary>
public sealed record EnvFile(IReadOnlyDictionary<string, string> Values, IReadOnlySet<string> Secrets)
{
    /// <summary>Reads deploy/env/<paramref name="program"/>.env.</summary>
    public static EnvFile Read(string program)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        var secretNext = false;
        foreach (var line in File.ReadLines(Path.Combine(Manifests.Root, "deploy", "env", program + ".env")).Select(l => l.Trim()))
        {
            if (line.StartsWith('#'))
            {
                secretNext |= line.StartsWith("# secret", StringComparison.Ordinal);
                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(equals > 0, $"deploy/env/{program}.env: '{line}' is not NAME=value");
            var name = line[..equals];
            values.Add(name, line[(equals + 1)..]);
            if (secretNext)
            {
                secrets.Add(name);
            }

            secretNext = false;
        }

        return new EnvFile(values, secrets);
    }
}
