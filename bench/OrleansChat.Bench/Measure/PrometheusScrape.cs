using System.Globalization;

namespace OrleansChat.Bench.Measure;

/// <summary>
/// Reads counters from a Prometheus text endpoint (the silo's <c>/metrics</c>), summing every
/// series of one metric whatever its labels.
/// </summary>
internal sealed class PrometheusScrape(Uri url) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public Uri Url { get; } = url;

    /// <summary>The sum over all series named <paramref name="metric"/>, or null when the endpoint has none.</summary>
    public async Task<double?> SumAsync(string metric)
    {
        var text = await _http.GetStringAsync(Url);
        return Sum(text, metric);
    }

    /// <summary>Sums the samples of <paramref name="metric"/> in Prometheus text format.</summary>
    public static double? Sum(string text, string metric)
    {
        double? total = null;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.IsEmpty || line[0] == '#' || !line.StartsWith(metric, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line[metric.Length..];
            if (rest.IsEmpty || (rest[0] != '{' && rest[0] != ' '))
            {
                continue; // another metric whose name starts with this one
            }

            var end = rest[0] == '{' ? rest.IndexOf('}') + 1 : 0;
            var value = rest[end..].Trim();
            var space = value.IndexOf(' ');
            if (space > 0)
            {
                value = value[..space]; // a timestamp follows
            }

            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var sample))
            {
                total = (total ?? 0) + sample;
            }
        }

        return total;
    }

    public void Dispose() => _http.Dispose();
}
