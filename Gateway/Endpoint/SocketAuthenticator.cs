using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansChat.Gateway.Transport;
using OrleansChat.Protocol;

namespace OrleansChat.Gateway.Endpoint;

/// <summary>
/// Decides who a <c>/ws</c> request connects as, before any upgrade. Without a signing key the
/// query's <c>name</c> is taken as given (local use). With one, the request must carry a JWT in
/// <c>token</c> that the key signed (HS256) and that has not expired; the name is the token's
/// <c>name</c> claim, else its <c>sub</c>, held to the same rules as a chosen name. A refusal
/// says why without the token, so the token itself is never logged.
/// </summary>
public sealed class SocketAuthenticator(IOptions<SecurityOptions> options)
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly TokenValidationParameters? _parameters = ValidationParameters(options.Value);

    /// <summary>Who the query's <c>name</c> or <c>token</c> connects as, or why not (400 or 401); it answers and logs nothing.</summary>
    public async Task<SocketAdmission> CheckAsync(StringValues name, StringValues token)
    {
        if (_parameters is null)
        {
            var chosen = MessageRules.NormalizeUser(name);
            return chosen is null
                ? SocketAdmission.Refused(StatusCodes.Status400BadRequest, "'name' must be 1 to 32 letters, digits, spaces, '_', '-' or '.'")
                : SocketAdmission.As(chosen);
        }

        if (token.Count != 1 || string.IsNullOrEmpty(token[0]))
        {
            return SocketAdmission.Unauthorized("'token' with a signed JWT is required", "no token");
        }

        var result = await _handler.ValidateTokenAsync(token[0], _parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            // The exception's type says why (expired, bad signature, wrong issuer) without carrying the token.
            return SocketAdmission.Unauthorized("the token is not valid", result.Exception?.GetType().Name ?? "invalid token");
        }

        var claimed = jwt.TryGetPayloadValue<string>("name", out var claimedName) && !string.IsNullOrEmpty(claimedName) ? claimedName
            : jwt.TryGetPayloadValue<string>("sub", out var subject) ? subject
            : null;
        var user = MessageRules.NormalizeUser(claimed);
        return user is null
            ? SocketAdmission.Refused(StatusCodes.Status400BadRequest, "the token's 'name' (or 'sub') is not a valid display name")
            : SocketAdmission.As(user);
    }

    private static TokenValidationParameters? ValidationParameters(SecurityOptions options) =>
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
}
