using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansChat.Protocol;

namespace OrleansChat.Gateway.Security;

/// <summary>
/// The gateway's one check of a JWT, for every place a token comes in: <c>/ws</c> (whichever way the
/// socket is accepted), a socket's <c>refresh</c> and the bearer token of the HTTP reads. A token is
/// valid when the configured key signed it with HS256, its <c>exp</c> and <c>nbf</c> hold within
/// <see cref="SecurityOptions.JwtClockSkew"/>, its <c>iss</c> and <c>aud</c> are the configured
/// ones (where configured), its <c>name</c> (else <c>sub</c>) is a valid display name and its
/// <c>rooms</c> claim, when present, is a list of room names and prefixes.
/// </summary>
/// <remarks>
/// The check is IdentityModel's <see cref="JsonWebTokenHandler"/> called directly rather than
/// ASP.NET Core's authentication middleware: a socket taken before Kestrel (the direct upgrade) has
/// no <see cref="HttpContext"/> to authenticate, so the HTTP reads call this too
/// (<see cref="RoomReadAccess"/>) and both paths apply the same parameters.
/// </remarks>
public sealed class ChatTokens
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly TokenValidationParameters? _parameters;
    private readonly TokenExpiry _expiry;

    /// <summary>Reads the key, issuer, audience and skew from the gateway's options.</summary>
    public ChatTokens(IOptions<SecurityOptions> options, TokenExpiry expiry)
    {
        var o = options.Value;
        _expiry = expiry;
        Skew = o.JwtClockSkew;
        _parameters = string.IsNullOrEmpty(o.JwtSigningKey) ? null : new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(o.JwtSigningKey)),
            // Only HS256: a token may not pick a weaker or different algorithm (or "none") for itself.
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuerSigningKey = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            // IdentityModel's default is five minutes, applied to exp and nbf alike.
            ClockSkew = o.JwtClockSkew,
            ValidateIssuer = !string.IsNullOrEmpty(o.JwtIssuer),
            ValidIssuer = o.JwtIssuer,
            ValidateAudience = !string.IsNullOrEmpty(o.JwtAudience),
            ValidAudience = o.JwtAudience,
        };
    }

    /// <summary>Whether a signing key is configured, so sockets and the HTTP reads need a token.</summary>
    public bool Required => _parameters is not null;

    /// <summary>How far past <c>exp</c> (and before <c>nbf</c>) a token still holds.</summary>
    public TimeSpan Skew { get; }

    /// <summary>Who <paramref name="token"/> is for, or why it is refused (the reason never holds the token).</summary>
    public async Task<TokenCheck> ValidateAsync(string? token)
    {
        if (_parameters is null)
        {
            return TokenCheck.Refused("no signing key is configured");
        }

        if (string.IsNullOrEmpty(token))
        {
            return TokenCheck.Refused("no token");
        }

        var result = await _handler.ValidateTokenAsync(token, _parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            // The exception's type says why (expired, bad signature, wrong issuer) without carrying the token.
            return TokenCheck.Refused(result.Exception?.GetType().Name ?? "invalid token");
        }

        var claimed = jwt.TryGetPayloadValue<string>("name", out var claimedName) && !string.IsNullOrEmpty(claimedName) ? claimedName
            : jwt.TryGetPayloadValue<string>("sub", out var subject) ? subject
            : null;
        if (MessageRules.NormalizeUser(claimed) is not { } user)
        {
            return TokenCheck.BadName();
        }

        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload));
        if (RoomAccess.FromPayload(payload.RootElement) is not { } rooms)
        {
            return TokenCheck.Refused("the rooms claim is not a list of room names and prefixes");
        }

        var sub = jwt.TryGetPayloadValue<string>("sub", out var s) && !string.IsNullOrEmpty(s) ? s : null;
        return TokenCheck.Valid(new ChatIdentity(user, sub, rooms, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero)));
    }

    /// <summary>
    /// Calls <paramref name="expired"/> once when <paramref name="identity"/>'s token expires
    /// (<c>exp</c> plus the skew), unless the returned lease is moved (a refresh) or disposed first;
    /// null for an identity without a token.
    /// </summary>
    public ExpiryLease? Watch(ChatIdentity identity, Action expired) =>
        identity.Expires is { } expires ? _expiry.Track(expires + Skew, expired) : null;

    /// <summary>When a token expiring at <paramref name="expires"/> stops holding.</summary>
    public DateTimeOffset ClosesAt(DateTimeOffset expires) => expires + Skew;
}
