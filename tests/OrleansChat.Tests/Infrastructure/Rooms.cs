namespace OrleansChat.Tests.Infrastructure;

/// <summary>Room names for tests: each test gets rooms no other test touches.</summary>
public static class Rooms
{
    /// <summary>A fresh, valid room name.</summary>
    public static string New() => "room-" + Guid.NewGuid().ToString("N")[..12];
}
