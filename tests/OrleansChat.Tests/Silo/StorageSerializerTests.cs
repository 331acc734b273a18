using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;
using OrleansChat.Grains.Storage;
using OrleansChat.Silo.Hosting;

namespace OrleansChat.Tests.Silo;

/// <summary>The silo's memory storages are the chat's own and serialize with the chat's serializer (Orleans' binary one underneath), not the default JSON one.</summary>
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

        var provider = Assert.IsType<ChatMemoryGrainStorage>(host.Services.GetRequiredKeyedService<IGrainStorage>(storage));

        Assert.IsType<ChatStorageSerializer>(provider.Serializer);
    }
}
