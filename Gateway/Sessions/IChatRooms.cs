namespace OrleansChat.Gateway.Sessions;

/// <summary>
/// The rooms as a session uses them: join and leave as a member, post, and send typing hints.
/// The hub implements it, so sessions depend on no layer above them.
/// </summary>
public interface IChatRooms
{
    /// <summary>
    /// Puts a member in a room and sends it the room's joined frame; events that arrive while the
    /// history is read are held and sent after it, so nothing is missed or repeated.
    /// </summary>
    Task JoinAsync(IRoomMember member, string room, long? since, string? epoch);

    /// <summary>Takes a member out of a room.</summary>
    Task LeaveAsync(IRoomMember member, string room);

    /// <summary>Stores a message in the room; it reaches every member through the room's stream.</summary>
    Task<PostResult> PostAsync(string room, PostRequest request);

    /// <summary>Sends a typing hint to the room.</summary>
    Task TypingAsync(string room, string user);
}
