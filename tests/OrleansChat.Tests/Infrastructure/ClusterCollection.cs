namespace OrleansChat.Tests.Infrastructure;

/// <summary>Tests that share one two-silo cluster (and gateways on it).</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "cluster";
}
