using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using OrleansChat.Grains.Storage;
using OrleansChat.Silo.Hosting;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>
/// Configures each test silo exactly as the real silo is configured (<see cref="ChatSiloExtensions.AddChatGrains"/>),
/// with a small history window so window rules are quick to reach, room storage wrapped by <see cref="FaultyGrainStorage"/>, and presence renewals that <see cref="HeldRenewals"/> can hold.
/// </summary>
public sealed class TestSilos : ISiloConfigurator
{
    /// <summary>The history window of the test silos.</summary>
    public const int HistoryWindow = 100;

    /// <summary>The chunk size of the test silos.</summary>
    public const int ChunkSize = 8;

    public void Configure(ISiloBuilder siloBuilder)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Chat:Rooms:HistoryWindow"] = HistoryWindow.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Chat:Rooms:ChunkSize"] = ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // Short leases so that a dead gateway's members leave within a test's patience.
                ["Chat:Rooms:PresenceLease"] = "00:00:02",
            })
            .Build();
        siloBuilder.AddChatGrains(configuration);
        // The last keyed registration wins: room storage becomes the faulty wrapper around a memory store.
        siloBuilder.AddChatMemoryStorage("chat-inner");
        siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(ChatStorage.RoomStorage, (sp, _) =>
            new FaultyGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>("chat-inner")));
        siloBuilder.AddIncomingGrainCallFilter<HeldRenewals>();
    }
}
