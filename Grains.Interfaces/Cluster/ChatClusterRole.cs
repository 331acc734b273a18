namespace OrleansChat.Cluster;

/// <summary>Which process reads <see cref="ChatClusterOptions"/>: the two accept different clustering choices.</summary>
public enum ChatClusterRole
{
    /// <summary>A silo: <c>Localhost</c> or <c>Redis</c> clustering.</summary>
    Silo,

    /// <summary>A gateway (an Orleans client): <c>Localhost</c>, <c>Static</c> or <c>Redis</c> clustering.</summary>
    Gateway,
}
