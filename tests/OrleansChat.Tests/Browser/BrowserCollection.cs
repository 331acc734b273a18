namespace OrleansChat.Tests.Browser;

/// <summary>Browser tests: one cluster, one gateway and one Chromium, shared by every test in it.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "browser";
}
