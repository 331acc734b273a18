using System.Globalization;

namespace OrleansChat.Bench.Cli;

/// <summary>
/// The command line: a verb followed by <c>--key value</c> pairs. Every value a scenario reads is
/// remembered so that a misspelt option is reported instead of silently ignored.
/// </summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _used = new(StringComparer.OrdinalIgnoreCase);

    private BenchArgs(string verb)
    {
        Verb = verb;
    }

    /// <summary>The scenario or command name (first argument).</summary>
    public string Verb { get; }

    /// <summary>Every option given, for the result file's parameter list.</summary>
    public IReadOnlyDictionary<string, string> All => _values;

    public static BenchArgs Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            return new BenchArgs("help");
        }

        var parsed = new BenchArgs(args[0].ToLowerInvariant());
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{arg}'; options look like --key value.");
            }

            var key = arg[2..];
            var eq = key.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                parsed._values[key[..eq]] = key[(eq + 1)..];
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                parsed._values[key] = args[++i];
            }
            else
            {
                parsed._values[key] = "true";
            }
        }

        return parsed;
    }

    public string? GetString(string key)
    {
        _used.Add(key);
        return _values.TryGetValue(key, out var value) ? value : null;
    }

    public string GetString(string key, string fallback) => GetString(key) ?? fallback;

    public double GetDouble(string key, double fallback)
    {
        var text = GetString(key);
        return text is null ? fallback : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public int GetInt(string key, int fallback)
    {
        var text = GetString(key);
        return text is null ? fallback : int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    public bool GetFlag(string key) => GetString(key) is { } text && text != "false";

    public IReadOnlyList<double> GetDoubles(string key, IReadOnlyList<double> fallback)
    {
        var text = GetString(key);
        if (text is null)
        {
            return fallback;
        }

        return [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => double.Parse(part, NumberStyles.Float, CultureInfo.InvariantCulture))];
    }

    /// <summary>Fails on any option that no code asked for (a typo, or one meant for another scenario).</summary>
    public void ThrowIfUnused()
    {
        var unused = _values.Keys.Where(key => !_used.Contains(key)).ToList();
        if (unused.Count > 0)
        {
            throw new ArgumentException($"Unknown option(s) for '{Verb}': {string.Join(", ", unused.Select(key => "--" + key))}");
        }
    }
}
