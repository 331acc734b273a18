using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace OrleansChat.Gateway.Transport;

/// <summary>
/// The gateway's own origin as the client saw it, for a request read off a socket outside the
/// HTTP pipeline (the direct upgrade): ASP.NET Core's own <see cref="ForwardedHeadersMiddleware"/>
/// applied to a request made of the head's values, so the rules (trusted peers, forward limit) are
/// exactly the ones the HTTP pipeline's <c>UseForwardedHeaders</c> applies.
/// </summary>
public sealed class ForwardedOrigin(IOptions<ForwardedHeadersOptions> options, ILoggerFactory loggers)
{
    private readonly ForwardedHeadersMiddleware _forwarders = new(_ => Task.CompletedTask, loggers, options);

    /// <summary>
    /// <c>scheme://host</c>: <c>http://{host}</c>, or the forwarded scheme and host when
    /// <paramref name="peer"/> is a trusted proxy.
    /// </summary>
    public string Of(IPAddress? peer, string host, string? forwardedFor, string? forwardedProto, string? forwardedHost)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = peer;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString(host);
        var headers = context.Request.Headers;
        if (forwardedFor is not null)
        {
            headers[ForwardedHeadersDefaults.XForwardedForHeaderName] = forwardedFor;
        }

        if (forwardedProto is not null)
        {
            headers[ForwardedHeadersDefaults.XForwardedProtoHeaderName] = forwardedProto;
        }

        if (forwardedHost is not null)
        {
            headers[ForwardedHeadersDefaults.XForwardedHostHeaderName] = forwardedHost;
        }

        _forwarders.ApplyForwarders(context);
        return $"{context.Request.Scheme}://{context.Request.Host.Value}";
    }
}
