namespace OrleansChat.Gateway.Security;

/// <summary>
/// The outcome of <see cref="ChatTokens.ValidateAsync"/>: the <see cref="Identity"/> of a valid
/// token, or <see cref="Why"/> it was refused (for the log; never the token itself), with
/// <see cref="NameInvalid"/> when it was valid but its name breaks the name rules.
/// </summary>
public readonly record struct TokenCheck(ChatIdentity? Identity, string? Why, bool NameInvalid)
{
    /// <summary>A valid token.</summary>
    public static TokenCheck Valid(ChatIdentity identity) => new(identity, null, false);

    /// <summary>A missing, forged, expired or malformed token.</summary>
    public static TokenCheck Refused(string why) => new(null, why, false);

    /// <summary>A valid token whose <c>name</c> (or <c>sub</c>) is not a valid display name.</summary>
    public static TokenCheck BadName() => new(null, "the token's name is not a valid display name", true);
}
