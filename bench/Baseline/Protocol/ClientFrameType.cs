namespace OrleansChat.Baseline.Protocol;

/// <summary>The client frame types of the protocol; <see cref="Unknown"/> is answered with <c>bad_request</c>.</summary>
internal enum ClientFrameType
{
    Unknown,
    Join,
    Leave,
    Send,
    Typing,
    Ping,
}
