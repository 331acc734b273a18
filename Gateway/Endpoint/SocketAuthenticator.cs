using Microsoft.Extensions.Primitives;
using OrleansChat.Gateway.Security;
using OrleansChat.Gateway.Transport;
using OrleansChat.Protocol;

namespace OrleansChat.Gateway.Endpoint;

/// <summary>
/// Decides who a <c>/ws</c> request connects as, before any upgrade. Without a signing key the
/// query's <c>name</c> is taken as given (local use). With one, the request must carry in
/// <c>token</c> a JWT that <see cref="ChatTokens"/> accepts; the name is the token's <c>name</c>
/// claim, else its <c>sub</c>, held to the same rules as a chosen name. A refusal says why without
/// the token, so the token itself is never logged.
/// </summary>
public sealed class SocketAuthenticator(ChatTokens tokens)
{
    /// <summary>Who the query's <c>name</c> or <c>token</c> connects as, or why not (400 or 401); it answers and logs nothing.</summary>
    public async Task<SocketAdmission> CheckAsync(StringValues name, StringValues token)
    {
        if (!tokens.Required)
        {
            var chosen = MessageRules.NormalizeUser(name);
            return chosen is null
                ? SocketAdmission.Refused(StatusCodes.Status400BadRequest, "'name' must be 1 to 32 letters, digits, spaces, '_', '-' or '.'")
                : SocketAdmission.As(ChatIdentity.Named(chosen));
        }

        if (token.Count != 1 || string.IsNullOrEmpty(token[0]))
        {
            return SocketAdmission.Unauthorized("'token' with a signed JWT is required", "no token");
        }

        var check = await tokens.ValidateAsync(token[0]);
        return check switch
        {
            { Identity: { } identity } => SocketAdmission.As(identity),
            { NameInvalid: true } => SocketAdmission.Refused(StatusCodes.Status400BadRequest, "the token's 'name' (or 'sub') is not a valid display name"),
            _ => SocketAdmission.Unauthorized("the token is not valid", check.Why ?? "invalid token"),
        };
    }
}
