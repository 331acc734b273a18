using OrleansChat.Gateway.Transport;

namespace OrleansChat.Gateway.Hosting;

/// <summary>
/// On shutdown (SIGTERM), turns the gateway not-ready, refuses new sockets and closes open ones
/// with 1001 so their clients reconnect to another gateway, then waits for them within the
/// host's shutdown timeout.
/// </summary>
internal sealed class DrainOnShutdown(ConnectionRegistry registry, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // ApplicationStopping fires before any hosted service stops, so the Orleans client is still up while sockets close.
        lifetime.ApplicationStopping.Register(registry.Drain);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await registry.WaitForEmptyAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout ran out; Kestrel aborts what is left.
        }
    }
}
