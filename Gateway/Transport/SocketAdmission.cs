using OrleansChat.Gateway.Security;

namespace OrleansChat.Gateway.Transport;

/// <summary>
/// Whether a socket request is admitted: its <see cref="Identity"/>, or the refusal's HTTP
/// <see cref="Status"/> and <see cref="Detail"/> for the client, with <see cref="TokenRefused"/>
/// (why, for the log, never the token itself) on a 401.
/// </summary>
public readonly record struct SocketAdmission(ChatIdentity? Identity, int Status, string Detail, string? TokenRefused)
{
    /// <summary>Admitted as <paramref name="identity"/>.</summary>
    public static SocketAdmission As(ChatIdentity identity) => new(identity, StatusCodes.Status101SwitchingProtocols, "", null);

    /// <summary>Refused with <paramref name="status"/>.</summary>
    public static SocketAdmission Refused(int status, string detail) => new(null, status, detail, null);

    /// <summary>A 401: no token, or one that does not validate, for <paramref name="why"/>.</summary>
    public static SocketAdmission Unauthorized(string detail, string why) => new(null, StatusCodes.Status401Unauthorized, detail, why);
}
