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

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var started = Stopwatch.GetTimestamp();
        string last = "no answer";
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    AnsiConsole.MarkupLine($"[grey]{Markup.Escape(url.ToString())} ready after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s[/]");
                    return 0;
                }

                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            await Task.Delay(250);
        }

        AnsiConsole.MarkupLine($"[red]{Markup.Escape(url.ToString())} not ready after {timeout.TotalSeconds} s ({Markup.Escape(last)})[/]");
        return 1;
    }
}
