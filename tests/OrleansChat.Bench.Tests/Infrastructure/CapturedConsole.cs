using Spectre.Console;

namespace OrleansChat.Bench.Tests.Infrastructure;

/// <summary>
/// Points Spectre's process-wide <see cref="AnsiConsole"/> at a plain-text writer for the life of a
/// test, so that what a command prints can be read back. The console is shared by the whole process,
/// which is one reason this project runs its test classes one at a time (xunit.runner.json).
/// </summary>
internal sealed class CapturedConsole : IDisposable
{
    private readonly IAnsiConsole _previous = AnsiConsole.Console;
    private readonly StringWriter _writer = new();

    public CapturedConsole()
    {
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(_writer),
        });
    }

    public string Text => _writer.ToString();

    /// <summary>The cells of the table row whose first cell is <paramref name="label"/>, trimmed.</summary>
    public string[] Row(string label)
    {
        foreach (var line in Text.Split('\n'))
        {
            var cells = line.Split('│', '|').Select(cell => cell.Trim()).ToArray();
            if (cells.Length > 2 && cells[1] == label)
            {
                return cells[1..^1];
            }
        }

        throw new Xunit.Sdk.XunitException($"No row '{label}' in:\n{Text}");
    }

    public void Dispose()
    {
        AnsiConsole.Console = _previous;
        _writer.Dispose();
    }
}
