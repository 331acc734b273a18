using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>JWTs for the token tests: valid ones signed with the gateway's key, and each way of getting one wrong.</summary>
public static class Jwt
{
    /// <summary>The HS256 key the token tests configure on their gateways.</summary>
    public const string SigningKey = "a-test-signing-key-of-more-than-32-bytes";

    /// <summary>A token with <paramref name="claims"/>, valid for an hour unless <paramref name="expires"/> says otherwise.</summary>
    public static string Create(
        Dictionary<string, object> claims,
        DateTimeOffset? expires = null,
        DateTimeOffset? notBefore = null,
        string key = SigningKey,
        string? issuer = null,
        string? audience = null)
    {
        var exp = expires ?? DateTimeOffset.UtcNow.AddHours(1);
        var nbf = notBefore ?? exp.AddHours(-2);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = nbf.UtcDateTime,
            NotBefore = nbf.UtcDateTime,
            Expires = exp.UtcDateTime,
            Issuer = issuer,
            Audience = audience,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A token for <paramref name="name"/> that expires <paramref name="fromNow"/> from now (rounded down to a whole second, as <c>exp</c> is), and that instant.</summary>
    public static (string Token, DateTimeOffset Expires) ExpiringIn(TimeSpan fromNow, string name, string[]? rooms = null)
    {
        var expires = DateTimeOffset.FromUnixTimeSeconds((DateTimeOffset.UtcNow + fromNow).ToUnixTimeSeconds());
        return (Create(Claims(name, rooms), expires, notBefore: DateTimeOffset.UtcNow.AddMinutes(-1)), expires);
    }

    /// <summary>The claims of a user with an optional <c>rooms</c> claim.</summary>
    public static Dictionary<string, object> Claims(string name, string[]? rooms = null)
    {
        var claims = new Dictionary<string, object> { ["name"] = name };
        if (rooms is not null)
        {
            claims["rooms"] = rooms;
        }

        return claims;
    }

    /// <summary>
    /// A token for mallory that must be refused: <c>expired</c> (an hour ago), <c>signed with another key</c>,
    /// <c>unsigned</c> (<c>alg: none</c>), <c>tampered</c> (a valid token's payload swapped), or anything else: not a JWT.
    /// </summary>
    public static string Bad(string kind)
    {
        var claims = new Dictionary<string, object> { ["name"] = "mallory" };
        switch (kind)
        {
            case "expired":
                return Create(claims, expires: DateTimeOffset.UtcNow.AddHours(-1));
            case "signed with another key":
                return Create(claims, key: "another-signing-key-of-more-than-32-bytes");
            case "unsigned":
                return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
                {
                    Subject = new ClaimsIdentity([new Claim("name", "mallory")]),
                    Expires = DateTime.UtcNow.AddHours(1),
                });
            case "tampered":
                // A valid token for alice with its payload swapped for mallory's: the signature no longer matches.
                var parts = Create(new() { ["name"] = "alice" }).Split('.');
                parts[1] = Create(claims).Split('.')[1];
                return string.Join('.', parts);
            default:
                return "this-is-not-a-jwt";
        }
    }
}
