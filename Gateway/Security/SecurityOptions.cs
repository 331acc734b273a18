using System.ComponentModel.DataAnnotations;
using System.Text;

namespace OrleansChat.Gateway.Security;

/// <summary>Who may open a socket and post over HTTP; bound from <c>Chat:Gateway</c>.</summary>
public sealed class SecurityOptions : IValidatableObject
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "Chat:Gateway";

    /// <summary>
    /// Origins (scheme://host:port) allowed to open <c>/ws</c> besides the gateway's own; a request
    /// without an <c>Origin</c> header (not a browser) is always allowed. Default none.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>
    /// The HS256 key (its UTF-8 bytes, at least 32) that signs the JWTs <c>/ws</c> accepts in <c>token</c>.
    /// When set, a socket connects as the token's <c>name</c> (else <c>sub</c>) and <c>name</c> in the
    /// query is ignored; when unset (the default), <c>name</c> is taken as given.
    /// </summary>
    public string? JwtSigningKey { get; set; }

    /// <summary>
    /// With <see cref="JwtSigningKey"/>: how far past its <c>exp</c> (and before its <c>nbf</c>) a token
    /// still holds, for a socket's request, a <c>refresh</c>, an HTTP read and an open socket alike (closed
    /// with 1008 when <c>exp</c> plus this passes). Default 30 s (IdentityModel's own default is five minutes).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Chat:Gateway:JwtClockSkew must be between {1} and {2}.")]
    public TimeSpan JwtClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>With <see cref="JwtSigningKey"/>: the <c>iss</c> a token must carry. Default none (not checked).</summary>
    public string? JwtIssuer { get; set; }

    /// <summary>With <see cref="JwtSigningKey"/>: the <c>aud</c> a token must carry. Default none (not checked).</summary>
    public string? JwtAudience { get; set; }

    /// <summary>
    /// The bearer key that <c>POST /api/rooms/{room}/messages</c> requires. Default none: the endpoint
    /// answers 403, so nobody can post over HTTP until a key is configured.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // HS256 keys shorter than the hash (RFC 7518 3.2) are refused by the token library on every token; say so at start-up instead.
        if (!string.IsNullOrEmpty(JwtSigningKey) && Encoding.UTF8.GetByteCount(JwtSigningKey) < 32)
        {
            yield return new ValidationResult("Chat:Gateway:JwtSigningKey must be at least 32 bytes (256 bits) for HS256.", [nameof(JwtSigningKey)]);
        }

        foreach (var origin in AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                yield return new ValidationResult($"Chat:Gateway:AllowedOrigins entry '{origin}' is not an http(s)://host[:port] origin.", [nameof(AllowedOrigins)]);
            }
        }
    }
}
