using System.Net;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>A WebSocket upgrade request made by hand, to see the plain HTTP answer a gateway gives before (or instead of) upgrading.</summary>
public static class UpgradeRequest
{
    /// <summary>Sends the upgrade request to the ws:// or http:// URI and returns the status and headers of the answer.</summary>
    public static async Task<(HttpStatusCode Status, string? WwwAuthenticate)> SendAsync(Uri uri)
    {
        var http = new UriBuilder(uri) { Scheme = Uri.UriSchemeHttp }.Uri;
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, http);
        request.Headers.Add("Connection", "Upgrade");
        request.Headers.Add("Upgrade", "websocket");
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        using var response = await client.SendAsync(request);
        return (response.StatusCode, response.Headers.WwwAuthenticate.FirstOrDefault()?.Scheme);
    }
}
