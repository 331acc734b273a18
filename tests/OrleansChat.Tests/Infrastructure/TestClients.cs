using Orleans.TestingHost;

namespace OrleansChat.Tests.Infrastructure;

/// <summary>The test cluster's own client reads room streams like a gateway does.</summary>
public sealed class TestClients : IClientBuilderConfigurator
{
    public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder) =>
        clientBuilder.AddMemoryStreams(ChatStreams.ProviderName);
}
