using Microsoft.Extensions.Options;

namespace OrleansChat.Gateway.Hub;

/// <summary>
/// Renews this gateway's presence leases. If the gateway dies without saying goodbye, the
/// renewals stop and each room drops its names when the lease runs out.
/// </summary>
internal sealed class PresenceRenewal(RoomHub hub, IOptions<RoomHubOptions> options) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PresenceRenewPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await hub.RenewPresenceAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
