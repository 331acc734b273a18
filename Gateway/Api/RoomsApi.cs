using OrleansChat.Gateway.Hub;
using OrleansChat.Gateway.Protocol;

namespace OrleansChat.Gateway.Api;

/// <summary>The HTTP API under <c>/api/rooms</c>: read a room's history.</summary>
public static class RoomsApi
{
    /// <summary>Maps the room endpoints.</summary>
    public static IEndpointRouteBuilder MapRoomsApi(this IEndpointRouteBuilder endpoints)
    {
        var rooms = endpoints.MapGroup("/api/rooms/{room}");
        rooms.MapGet("/messages", GetMessagesAsync);
        rooms.MapGet("/members", GetMembersAsync);
        return endpoints;
    }

    private static async Task<IResult> GetMembersAsync(string room, RoomHub hub)
    {
        if (!MessageRules.IsValidRoom(room))
        {
            return Results.Problem("invalid room name", statusCode: StatusCodes.Status400BadRequest);
        }

        return Results.Ok(new RoomMembers(room, await hub.MembersAsync(room)));
    }

    private static async Task<IResult> GetMessagesAsync(string room, long? since, int? limit, RoomHub hub)
    {
        if (!MessageRules.IsValidRoom(room))
        {
            return Results.Problem("invalid room name", statusCode: StatusCodes.Status400BadRequest);
        }

        if (since < 0 || limit is < 1 or > 1000)
        {
            return Results.Problem("'since' must be 0 or more and 'limit' 1 to 1000", statusCode: StatusCodes.Status400BadRequest);
        }

        var page = await hub.HistoryAsync(room, since ?? 0, limit ?? 50);
        return Results.Text(HistoryJson.Write(room, page), "application/json");
    }
}
