using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace OrleansChat.Gateway.Transport;

/// <summary>
/// The proxies whose <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c> the gateway believes
/// (an ingress that ends TLS), bound from <c>Chat:Gateway:ForwardedHeaders</c>. Given either list,
/// they replace ASP.NET Core's default (loopback only); a header from any other peer is ignored.
/// </summary>
public sealed class TrustedProxies
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "Chat:Gateway:ForwardedHeaders";

    /// <summary>Networks in CIDR form (<c>10.0.0.0/8</c>), such as a cluster's pod network where the ingress controller runs.</summary>
    public IList<string> KnownNetworks { get; } = [];

    /// <summary>Single proxy addresses (<c>10.1.2.3</c>).</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Sets ASP.NET Core's forwarded-headers options from these; a malformed entry fails here, at start-up.</summary>
    public void ApplyTo(ForwardedHeadersOptions options)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        if (KnownNetworks.Count == 0 && KnownProxies.Count == 0)
        {
            return;
        }

        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var network in KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"{Section}:KnownNetworks entry '{network}' is not a network in CIDR form such as 10.0.0.0/8."));
        }

        foreach (var proxy in KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.TryParse(proxy, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"{Section}:KnownProxies entry '{proxy}' is not an IP address."));
        }
    }
}
