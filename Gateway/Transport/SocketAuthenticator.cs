using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
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
        var login = await CheckAsync(context.Request.Query["name"], context.Request.Query["token"]);
        if (login.User is not null)
        {
            return (login.User, null);
        }

        if (login.TokenRefused is { } why)
        {
            LogRefused(why);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return (null, Results.Problem(login.Detail, statusCode: StatusCodes.Status401Unauthorized));
        }

        return (null, Results.Problem(login.Detail, statusCode: StatusCodes.Status400BadRequest));
    }

    /// <summary>
    /// Who the query's <c>name</c> or <c>token</c> connects as, without answering anything: the
    /// direct upgrade (<see cref="DirectUpgrade"/>) takes the socket only when this names a user,
    /// and leaves every refusal to <see cref="AuthenticateAsync"/> on the HTTP pipeline.
    /// </summary>
    public async Task<SocketLogin> CheckAsync(StringValues name, StringValues token)
    {
        if (_parameters is null)
        {
            var chosen = MessageRules.NormalizeUser(name);
            return chosen is null
                ? SocketLogin.BadName("'name' must be 1 to 32 letters, digits, spaces, '_', '-' or '.'")
                : SocketLogin.As(chosen);
        }

        if (token.Count != 1 || string.IsNullOrEmpty(token[0]))
        {
            return SocketLogin.Unauthorized("'token' with a signed JWT is required", "no token");
        }

        var result = await _handler.ValidateTokenAsync(token[0], _parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            // The exception's type says why (expired, bad signature, wrong issuer) without carrying the token.
            return SocketLogin.Unauthorized("the token is not valid", result.Exception?.GetType().Name ?? "invalid token");
        }

        var claimed = jwt.TryGetPayloadValue<string>("name", out var claimedName) && !string.IsNullOrEmpty(claimedName) ? claimedName
            : jwt.TryGetPayloadValue<string>("sub", out var subject) ? subject
            : null;
        var user = MessageRules.NormalizeUser(claimed);
        return user is null
            ? SocketLogin.BadName("the token's 'name' (or 'sub') is not a valid display name")
            : SocketLogin.As(user);
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

/// <summary>
/// The outcome of <see cref="SocketAuthenticator.CheckAsync"/>: a user, or the refusal's
/// <see cref="Detail"/> for the client, with <see cref="TokenRefused"/> (for the log, never the
/// token itself) when it is a 401 rather than a 400.
/// </summary>
public readonly record struct SocketLogin(string? User, string Detail, string? TokenRefused)
{
    /// <summary>Connects as <paramref name="user"/>.</summary>
    public static SocketLogin As(string user) => new(user, "", null);

    /// <summary>A 400: the name (chosen, or the token's) breaks the name rules.</summary>
    public static SocketLogin BadName(string detail) => new(null, detail, null);

    /// <summary>A 401: no token, or one that does not validate, for <paramref name="why"/>.</summary>
    public static SocketLogin Unauthorized(string detail, string why) => new(null, detail, why);
}
