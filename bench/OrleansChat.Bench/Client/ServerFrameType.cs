namespace OrleansChat.Bench.Client;

/// <summary>The server frame types the bench reacts to; everything else is read and ignored.</summary>
internal enum ServerFrameType
{
    Other,
    Welcome,
    Joined,
    Message,
    Ack,
    Error,
    Pong,
}
