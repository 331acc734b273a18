namespace OrleansChat.Protocol;

/// <summary>
/// A stored message as the wire shows it in <c>message</c> frames and <c>joined</c> histories.
/// The cluster's own message type implements it, so frames are written from it without a copy.
/// </summary>
public interface IWireMessage
{
    /// <summary>The message's place in its room, from 1, contiguous.</summary>
    long Seq { get; }

    /// <summary>The id the sender chose.</summary>
    string Id { get; }

    /// <summary>The sender's display name.</summary>
    string User { get; }

    /// <summary>The text exactly as sent.</summary>
    string Text { get; }

    /// <summary>When the message was stored.</summary>
    DateTimeOffset Timestamp { get; }
}
