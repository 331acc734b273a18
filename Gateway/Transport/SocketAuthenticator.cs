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
    private const string NoToken = "no token";

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

        if (login.Unauthorized)
        {
            LogRefused(login.Reason);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return (null, Results.Problem(login.Reason == NoToken ? "'token' with a signed JWT is required" : "the token is not valid", statusCode: StatusCodes.Status401Unauthorized));
        }

        return (null, Results.Problem(login.Reason, statusCode: StatusCodes.Status400BadRequest));
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
                ? SocketLogin.Refused("'name' must be 1 to 32 letters, digits, spaces, '_', '-' or '.'", unauthorized: false)
                : SocketLogin.As(chosen);
        }

        if (token.Count != 1 || string.IsNullOrEmpty(token[0]))
        {
            return SocketLogin.Refused(NoToken, unauthorized: true);
        }

        var result = await _handler.ValidateTokenAsync(token[0], _parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            // The exception's type says why (expired, bad signature, wrong issuer) without carrying the token.
            return SocketLogin.Refused(result.Exception?.GetType().Name ?? "invalid token", unauthorized: true);
        }

        var claimed = jwt.TryGetPayloadValue<string>("name", out var claimedName) && !string.IsNullOrEmpty(claimedName) ? claimedName
            : jwt.TryGetPayloadValue<string>("sub", out var subject) ? subject
            : null;
        var user = MessageRules.NormalizeUser(claimed);
        return user is null
            ? SocketLogin.Refused("the token's 'name' (or 'sub') is not a valid display name", unauthorized: false)
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

/// <summary>The outcome of <see cref="SocketAuthenticator.CheckAsync"/>: a user, or why not (401 when <see cref="Unauthorized"/>, else 400).</summary>
public readonly record struct SocketLogin(string? User, string Reason, bool Unauthorized)
{
    /// <summary>Connects as <paramref name="user"/>.</summary>
    public static SocketLogin As(string user) => new(user, "", false);

    /// <summary>Refuses the request for <paramref name="reason"/>.</summary>
    public static SocketLogin Refused(string reason, bool unauthorized) => new(null, reason, unauthorized);
}
