namespace OrleansChat.Cluster.Tests.Infrastructure;

/// <summary>A fresh folder under the system's temp folder, deleted with everything in it at the end.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("orleanschat-cluster-tests-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process that was just killed may still be closing a file in it; the temp folder is swept by the system.
        }
    }
}
