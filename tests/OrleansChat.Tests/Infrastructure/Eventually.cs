namespace OrleansChat.Tests.Infrastructure;

/// <summary>Waits for a condition that another process makes true (such as a socket's close being handled on the server).</summary>
public static class Eventually
{
    /// <summary>Re-checks the condition each time the thread pool yields, until it holds or the timeout passes.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the condition did not become true in time");
            }

            await Task.Delay(20);
        }
    }
}
