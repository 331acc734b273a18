using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansChat.Gateway.Hosting;

namespace OrleansChat.Gateway.Transport;

/// <summary>
/// Decides who a <c>/ws</c> request connects as, before any upgrade. Without a signing key the
/// query's <c>name</c> is taken as given (local use). With one, the request must carry a JWT in
/// <c>token</c> that the key signed (HS256) and that has not expired; the name is the token's
/// <c>name</c> claim, else its <c>sub</c>, held to the same rules as a chosen name. The token
/// itself is never logged, only why it was refused.
/// </summary>
public sealed partial class SocketAuthenticator(IOptions<ChatGatewayOptions> options, ILogger<SocketAuthenticator> logger)
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly TokenValidationParameters? _parameters = ValidationParameters(options.Value);

    /// <summary>The display name to connect as, or the HTTP answer that refuses the request (400 or 401).</summary>
    public async Task<(string? User, IResult? Refusal)> AuthenticateAsync(HttpContext context)
    {
        if (_parameters is null)
        {
            var chosen = MessageRules.NormalizeUser(context.Request.Query["name"]);
            return chosen is null
                ? (null, Results.Problem("'name' must be 1 to 32 letters, digits, spaces, '_', '-' or '.'", statusCode: StatusCodes.Status400BadRequest))
                : (chosen, null);
        }

        var token = context.Request.Query["token"];
        if (token.Count != 1 || string.IsNullOrEmpty(token[0]))
        {
            LogRefused("no token");
            return (null, Unauthorized(context, "'token' with a signed JWT is required"));
        }

        var result = await _handler.ValidateTokenAsync(token[0], _parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            // The exception's type says why (expired, bad signature, wrong issuer) without carrying the token.
            var reason = result.Exception?.GetType().Name ?? "invalid token";
            LogRefused(reason);
            return (null, Unauthorized(context, "the token is not valid"));
        }

        var claimed = jwt.TryGetPayloadValue<string>("name", out var name) && !string.IsNullOrEmpty(name) ? name
            : jwt.TryGetPayloadValue<string>("sub", out var subject) ? subject
            : null;
        var user = MessageRules.NormalizeUser(claimed);
        return user is null
            ? (null, Results.Problem("the token's 'name' (or 'sub') is not a valid display name", statusCode: StatusCodes.Status400BadRequest))
            : (user, null);
    }

    private static IResult Unauthorized(HttpContext context, string detail)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized);
    }

    private static TokenValidationParameters? ValidationParameters(ChatGatewayOptions options) =>
        string.IsNullOrEmpty(options.JwtSigningKey) ? null : new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.JwtSigningKey)),
            // Only HS256: a token may not pick a weaker or different algorithm for itself.
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuerSigningKey = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ValidateIssuer = !string.IsNullOrEmpty(options.JwtIssuer),
            ValidIssuer = options.JwtIssuer,
            ValidateAudience = !string.IsNullOrEmpty(options.JwtAudience),
            ValidAudience = options.JwtAudience,
        };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused a socket: {Reason}")]
    private partial void LogRefused(string reason);
}
