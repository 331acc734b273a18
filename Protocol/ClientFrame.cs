namespace OrleansChat.Protocol;

/// <summary>A client frame that passed the contract's shape checks; which fields are set depends on <see cref="Type"/>.</summary>
public sealed record ClientFrame(
    ClientFrameType Type,
    string? Room = null,
    string? Id = null,
    string? Text = null,
    long? Since = null,
    string? Epoch = null,
    string? Token = null);
