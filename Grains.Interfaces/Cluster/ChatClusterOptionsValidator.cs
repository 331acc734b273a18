using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace OrleansChat.Cluster;

/// <summary>
/// Checks <see cref="ChatClusterOptions"/> at start, so that a bad setting stops the process with a
/// message naming its key (<c>Chat:Cluster:Redis ...</c>) instead of failing later, or never, in a provider.
/// </summary>
public sealed class ChatClusterOptionsValidator(ChatClusterRole role) : IValidateOptions<ChatClusterOptions>
{
    private const string Key = ChatClusterOptions.Section + ":";

    /// <summary>Binds <c>Chat:Cluster</c> and validates it now: the providers are chosen from it while the host is built.</summary>
    /// <exception cref="OptionsValidationException">A setting is invalid; the message names every bad key.</exception>
    public static ChatClusterOptions Read(IConfiguration configuration, ChatClusterRole role)
    {
        var options = configuration.GetSection(ChatClusterOptions.Section).Get<ChatClusterOptions>() ?? new();
        var result = new ChatClusterOptionsValidator(role).Validate(null, options);
        return result.Failed
            ? throw new OptionsValidationException(ChatClusterOptions.Section, typeof(ChatClusterOptions), result.Failures)
            : options;
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ChatClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        string[] clusterings = role == ChatClusterRole.Silo ? ["Localhost", "Redis"] : ["Localhost", "Static", "Redis"];
        OneOf(failures, nameof(options.Clustering), options.Clustering, clusterings);
        OneOf(failures, nameof(options.Storage), options.Storage, ["Memory", "Redis"]);
        OneOf(failures, nameof(options.Streams), options.Streams, ["Memory"]);

        var redisNeeded = options.Clustering == "Redis" || (role == ChatClusterRole.Silo && options.Storage == "Redis");
        if (redisNeeded && string.IsNullOrWhiteSpace(options.Redis))
        {
            failures.Add($"{Key}{nameof(options.Redis)} must be set (a Redis connection string such as 127.0.0.1:6379) when Clustering or Storage is Redis.");
        }

        if (role == ChatClusterRole.Gateway && options.Clustering == "Static")
        {
            if (options.Gateways.Count == 0)
            {
                failures.Add($"{Key}{nameof(options.Gateways)} must list at least one ip:port with Static clustering.");
            }

            failures.AddRange(options.Gateways
                .Where(g => !IPEndPoint.TryParse(g, out var endpoint) || endpoint.Port == 0)
                .Select(g => $"{Key}{nameof(options.Gateways)} entry '{g}' is not ip:port."));
        }

        if (options.AdvertisedIP is { Length: > 0 } ip && !IPAddress.TryParse(ip, out _))
        {
            failures.Add($"{Key}{nameof(options.AdvertisedIP)} '{ip}' is not an IP address.");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add($"{Key}{nameof(options.ClusterId)} must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add($"{Key}{nameof(options.ServiceId)} must not be empty.");
        }

        Port(failures, nameof(options.SiloPort), options.SiloPort, allowZero: false);
        Port(failures, nameof(options.GatewayPort), options.GatewayPort, allowZero: false);
        Port(failures, nameof(options.MetricsPort), options.MetricsPort, allowZero: true);
        if (options.PrimarySiloPort is { } primary)
        {
            Port(failures, nameof(options.PrimarySiloPort), primary, allowZero: false);
        }

        Positive(failures, nameof(options.StreamPollPeriod), options.StreamPollPeriod > TimeSpan.Zero, options.StreamPollPeriod);
        Positive(failures, nameof(options.StreamCacheWindow), options.StreamCacheWindow > TimeSpan.Zero, options.StreamCacheWindow);
        Positive(failures, nameof(options.StreamQueues), options.StreamQueues > 0, options.StreamQueues);
        Positive(failures, nameof(options.StreamDeliveryBatch), options.StreamDeliveryBatch > 0, options.StreamDeliveryBatch);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void OneOf(List<string> failures, string key, string value, string[] allowed)
    {
        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            failures.Add($"{Key}{key} '{value}' is not supported; use {string.Join(" or ", allowed.Select(a => $"'{a}'"))}.");
        }
    }

    private static void Port(List<string> failures, string key, int port, bool allowZero)
    {
        if (port < (allowZero ? 0 : 1) || port > IPEndPoint.MaxPort)
        {
            failures.Add($"{Key}{key} {port} is not a port ({(allowZero ? 0 : 1)} to {IPEndPoint.MaxPort}).");
        }
    }

    private static void Positive(List<string> failures, string key, bool ok, object value)
    {
        if (!ok)
        {
            failures.Add($"{Key}{key} must be positive, not {value}.");
        }
    }
}
