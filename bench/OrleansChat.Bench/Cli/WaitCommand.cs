using System.Diagnostics;
using OrleansChat.Bench.Client;
using Spectre.Console;

namespace OrleansChat.Bench.Cli;

/// <summary><c>wait</c>: polls a loopback health URL until it answers 200, for the runner script.</summary>
internal static class WaitCommand
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var url = new Uri(args.GetString("url") ?? throw new ArgumentException("wait needs --url."));
        var timeout = TimeSpan.FromSeconds(args.GetDouble("timeout", 60));
        args.ThrowIfUnused();
        LoopbackConnector.ResolveLoopback(url.Host);

        var started = Stopwatch.GetTimestamp();
        var (ready, last) = await UntilReadyAsync(url, timeout);
        if (ready)
        {
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(url.ToString())} ready after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s[/]");
            return 0;
        }

        AnsiConsole.MarkupLine($"[red]{Markup.Escape(url.ToString())} not ready after {timeout.TotalSeconds} s ({Markup.Escape(last)})[/]");
        return 1;
    }

    /// <summary>
    /// Polls <paramref name="url"/> until it answers 2xx or <paramref name="timeout"/> passes; false with the last
    /// answer (a status or the error) when it never did.
    /// </summary>
    internal static async Task<(bool Ready, string Last)> UntilReadyAsync(Uri url, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var started = Stopwatch.GetTimestamp();
        var last = "no answer";
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return (true, last);
                }

                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            await Task.Delay(250);
        }

        return (false, last);
    }
}
