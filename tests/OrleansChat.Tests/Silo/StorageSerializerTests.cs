using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansChat.Grains;
using OrleansChat.Silo.Hosting;

namespace OrleansChat.Tests.Silo;

/// <summary>The silo's memory storages serialize with the chat's serializer (Orleans' binary one underneath), not the default JSON one.</summary>
public sealed class StorageSerializerTests
{
    [Theory]
    [InlineData(ChatStorage.RoomStorage)]
    [InlineData(ChatStorage.PubSubStore)]
    public void MemoryStoragesUseTheChatSerializer(string storage)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.AddChatSilo();
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptionsMonitor<MemoryGrainStorageOptions>>().Get(storage);

        Assert.IsType<ChatStorageSerializer>(options.GrainStorageSerializer);
    }
}
