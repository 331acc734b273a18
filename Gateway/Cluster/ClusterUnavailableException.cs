namespace OrleansChat.Gateway.Cluster;

/// <summary>A grain call refused at once because the gateway's client reaches no silo (see <see cref="ClusterCallFilter"/>).</summary>
public sealed class ClusterUnavailableException : Exception
{
    /// <summary>Creates the exception with the standard message.</summary>
    public ClusterUnavailableException()
        : base("The gateway reaches no silo of the cluster.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ClusterUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ClusterUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
