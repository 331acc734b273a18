using System.Text.Json;

namespace OrleansChat.Bench.Results;

/// <summary>Writes and reads result files.</summary>
internal static class ResultFile
{
    public static async Task WriteAsync(string path, ScenarioResult result)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        await using var stream = File.Create(path);
        await JsonSerializer.SerializeAsync(stream, result, ResultJsonContext.Default.ScenarioResult);
    }

    public static async Task<ScenarioResult?> ReadAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync(stream, ResultJsonContext.Default.ScenarioResult);
    }
}
