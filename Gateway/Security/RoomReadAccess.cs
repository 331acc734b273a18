using Microsoft.Net.Http.Headers;
using OrleansChat.Protocol;

namespace OrleansChat.Gateway.Security;

/// <summary>
/// Guards the HTTP reads of a room (<c>GET /api/rooms/{room}/messages</c> and <c>/members</c>) when a
/// signing key is configured: 401 without a valid <c>Authorization: Bearer &lt;JWT&gt;</c>, 403 when
/// the token's <c>rooms</c> claim excludes the room. The token is checked by the same
/// <see cref="ChatTokens"/> as a socket's. An invalid room name passes on to the endpoint's 400.
/// </summary>
public sealed partial class RoomReadAccess(ChatTokens tokens, ILogger<RoomReadAccess> logger) : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!tokens.Required)
        {
            return await next(context);
        }

        var http = context.HttpContext;
        var check = await tokens.ValidateAsync(BearerToken(http.Request));
        if (check.Identity is not { } identity)
        {
            LogRefused(check.Why ?? "invalid token");
            // RFC 6750 3.1: a request without a token gets the bare challenge; a bad one says so.
            http.Response.Headers.WWWAuthenticate = http.Request.Headers.Authorization.Count == 0 ? "Bearer" : "Bearer error=\"invalid_token\"";
            return Results.Problem("'Authorization: Bearer <JWT>' with a valid token is required", statusCode: StatusCodes.Status401Unauthorized);
        }

        var room = http.GetRouteValue("room") as string;
        if (MessageRules.IsValidRoom(room) && !identity.Rooms.Allows(room!))
        {
            return Results.Problem($"the token does not allow room '{room}'", statusCode: StatusCodes.Status403Forbidden);
        }

        return await next(context);
    }

    private static string? BearerToken(HttpRequest request)
    {
        const string Scheme = "Bearer ";
        var header = request.Headers[HeaderNames.Authorization];
        return header.Count == 1 && header[0] is { } value && value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? value[Scheme.Length..].Trim()
            : null;
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Debug, Message = "Refused an HTTP read: {Reason}")]
    private partial void LogRefused(string reason);
}
