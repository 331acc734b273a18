using System.Diagnostics;
using System.Text;

namespace OrleansChat.Cluster.Tests.Infrastructure;

/// <summary>A program the test started, its output kept for failure messages; killed when disposed.</summary>
internal sealed class ChildProcess : IDisposable
{
    private bool _disposed;

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the program wrote (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                var text = _output.ToString();
                return text.Length > 6000 ? text[^6000..] : text;
            }
        }
    }

    /// <summary>Starts a program with exactly the given environment added to PATH and HOME.</summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Clear();
        info.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        info.Environment["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/root";
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { } root)
        {
            info.Environment["DOTNET_ROOT"] = root;
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start"));
    }

    /// <summary>kill -9.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit(10_000);
    }

    /// <summary>How many characters the program wrote so far: a mark for <see cref="WaitForOutputAsync"/>.</summary>
    public int OutputLength
    {
        get
        {
            lock (_output)
            {
                return _output.Length;
            }
        }
    }

    /// <summary>
    /// Waits until the program wrote a line containing <paramref name="text"/>, after the first
    /// <paramref name="after"/> characters (an <see cref="OutputLength"/> taken earlier) when given,
    /// so that the same line written before does not count.
    /// </summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout, int after = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!WroteSince(text, after))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"'{text}' did not appear ({(_process.HasExited ? "the program ended" : "timed out")}); output:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Kills the program (if it still runs) and releases it; a second call does nothing, so a test's finally never hides its failure.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Kill();
        _process.Dispose();
    }

    private bool WroteSince(string text, int after)
    {
        lock (_output)
        {
            return _output.ToString(after, _output.Length - after).Contains(text, StringComparison.Ordinal);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
