using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using OrleansChat.Gateway.Hub;
using OrleansChat.Gateway.Metrics;
using OrleansChat.Gateway.Security;
using OrleansChat.Gateway.Sessions;
using OrleansChat.Protocol;

namespace OrleansChat.Gateway.Api;

/// <summary>
/// The HTTP API under <c>/api/rooms</c>: read a room's history and members, and post a message with
/// the api key. A post goes through the room grain like a socket's <c>send</c>, so it is ordered,
/// stored and broadcast the same way. Failures are problem bodies (<c>application/problem+json</c>).
/// </summary>
public static partial class RoomsApi
{
    // A 4,000-character text may take twelve bytes a character once JSON-escaped (an emoji is two \uXXXX escapes,
    // which is how System.Text.Json writes it by default): 48,000 bytes with room to spare; far more is not a chat message.
    private const long MaxPostBodyBytes = 64 * 1024;

    /// <summary>Maps the room endpoints.</summary>
    public static IEndpointRouteBuilder MapRoomsApi(this IEndpointRouteBuilder endpoints)
    {
        var rooms = endpoints.MapGroup("/api/rooms/{room}");
        rooms.MapGet("/messages", GetMessagesAsync).AddEndpointFilter<RoomReadAccess>();
        rooms.MapGet("/members", GetMembersAsync).AddEndpointFilter<RoomReadAccess>();
        rooms.MapPost("/messages", PostMessageAsync);
        return endpoints;
    }

    private static async Task<IResult> GetMessagesAsync(string room, HttpRequest request, RoomHub hub, ILoggerFactory loggers)
    {
        if (!MessageRules.IsValidRoom(room))
        {
            return InvalidRoom();
        }

        var (query, error) = HistoryQuery.Parse(request.Query);
        if (query is null)
        {
            return Results.Problem(error, statusCode: StatusCodes.Status400BadRequest);
        }

        return await WithClusterAsync(loggers, "history", room, async () =>
            Results.Text(HistoryJson.Write(room, await query.ReadAsync(hub, room)), "application/json"));
    }

    private static async Task<IResult> GetMembersAsync(string room, RoomHub hub, ILoggerFactory loggers)
    {
        if (!MessageRules.IsValidRoom(room))
        {
            return InvalidRoom();
        }

        return await WithClusterAsync(loggers, "members", room, async () =>
            Results.Ok(new RoomMembers(room, await hub.MembersAsync(room))));
    }

    private static async Task<IResult> PostMessageAsync(
        string room,
        HttpContext context,
        RoomHub hub,
        ChatMetrics metrics,
        IOptions<SecurityOptions> security,
        IOptions<ChatSessionOptions> sessions,
        ILoggerFactory loggers)
    {
        // The key is checked before anything else, so nothing about rooms or bodies is told to a caller without it.
        if (string.IsNullOrEmpty(security.Value.ApiKey))
        {
            return Results.Problem("posting over HTTP is off: no api key is configured", statusCode: StatusCodes.Status403Forbidden);
        }

        if (!ApiKey.IsPresented(context.Request, security.Value.ApiKey))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem("'Authorization: Bearer <api key>' is missing or wrong", statusCode: StatusCodes.Status401Unauthorized);
        }

        if (!MessageRules.IsValidRoom(room))
        {
            return InvalidRoom();
        }

        var (body, error) = await ReadBodyAsync(context, sessions.Value.MaxTextLength);
        if (body is null)
        {
            return error!;
        }

        return await WithClusterAsync(loggers, "post", room, async () =>
        {
            var result = await hub.PostAsync(room, new PostRequest(body.User, body.Id, body.Text));
            metrics.MessagePosted(result.Status);
            return result.Status switch
            {
                // A repeat of (user, id) is answered like the first post, with the seq it got then.
                PostStatus.Stored or PostStatus.Duplicate =>
                    Results.Text(new PostedMessage(room, result.Seq, body.Id).ToUtf8Json(), PostedMessage.ContentType, StatusCodes.Status201Created),
                PostStatus.TooLong => Results.Problem("text is over the room's limit", statusCode: StatusCodes.Status400BadRequest),
                _ => Results.Problem("the message was not valid", statusCode: StatusCodes.Status400BadRequest),
            };
        });
    }

    private static async Task<(PostMessageBody? Body, IResult? Error)> ReadBodyAsync(HttpContext context, int maxTextLength)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxPostBodyBytes;
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var (body, error) = PostMessageBody.Parse(document.RootElement, maxTextLength);
            return (body, error is null ? null : Results.Problem(error, statusCode: StatusCodes.Status400BadRequest));
        }
        catch (JsonException)
        {
            return (null, Results.Problem("the body is not valid JSON", statusCode: StatusCodes.Status400BadRequest));
        }
        catch (BadHttpRequestException exception)
        {
            // Past the size limit (413), or a body that broke off.
            return (null, Results.Problem("the body could not be read", statusCode: exception.StatusCode));
        }
    }

    /// <summary>Runs a call to the cluster; when the cluster cannot answer, the client gets 503 and may retry.</summary>
    private static async Task<IResult> WithClusterAsync(ILoggerFactory loggers, string operation, string room, Func<Task<IResult>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception exception)
        {
            LogClusterFailure(loggers.CreateLogger(typeof(RoomsApi)), exception, operation, room);
            return Results.Problem("the cluster cannot take the request now; retry (a post with the same id is stored once)", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static IResult InvalidRoom() =>
        Results.Problem("room names are 1 to 64 of A-Z a-z 0-9 _ . - and start with a letter or digit", statusCode: StatusCodes.Status400BadRequest);

    [LoggerMessage(EventId = 5000, Level = LogLevel.Warning, Message = "HTTP {Operation} in room {Room} failed: the cluster is unavailable")]
    private static partial void LogClusterFailure(ILogger logger, Exception exception, string operation, string room);
}
