namespace OrleansChat.Bench.Tests.Infrastructure;

/// <summary>A fresh folder under the system's temp folder, deleted with everything in it at the end.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("orleanschat-bench-tests-").FullName;

    /// <summary>A path inside this folder; its parent folders are created.</summary>
    public string File(params string[] parts)
    {
        var path = System.IO.Path.Combine([Path, .. parts]);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
