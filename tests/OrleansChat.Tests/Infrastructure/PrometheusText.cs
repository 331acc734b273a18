using System.Globalization;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>Reads sample values out of a Prometheus text-format scrape.</summary>
public static class PrometheusText
{
    /// <summary>
    /// The sum of the samples named exactly <paramref name="metric"/> whose labels include
    /// <paramref name="label"/> (such as <c>code="not_joined"</c>); null when there is none.
    /// </summary>
    public static double? Value(string scrape, string metric, string? label = null)
    {
        double? sum = null;
        foreach (var line in scrape.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(metric, StringComparison.Ordinal) || line.Length == metric.Length)
            {
                continue;
            }

            var rest = line[metric.Length..];
            var labels = rest[0] == '{' ? rest[..(rest.IndexOf('}', StringComparison.Ordinal) + 1)] : "";
            if ((rest[0] != '{' && rest[0] != ' ') || (label is not null && !labels.Contains(label, StringComparison.Ordinal)))
            {
                continue;
            }

            var value = rest[labels.Length..].Trim().Split(' ')[0];
            sum = (sum ?? 0) + double.Parse(value, CultureInfo.InvariantCulture);
        }

        return sum;
    }
}
