using Microsoft.Playwright;
using OrleansChat.Tests.Infrastructure;

namespace OrleansChat.Tests.Browser;

/// <summary>
/// A two-silo cluster, a real gateway on it, and Debian's Chromium driven by Playwright.
/// Playwright's own browser download cannot work offline, so the system browser is launched
/// by path; each test opens its own browser contexts, which share nothing.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Where Debian's chromium package puts the browser.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly ClusterFixture _cluster = new();
    private IPlaywright? _playwright;

    /// <summary>The cluster behind the gateway, for tests that start a gateway of their own on it.</summary>
    public ClusterFixture Cluster => _cluster;

    /// <summary>The gateway that serves the page and the sockets.</summary>
    public GatewayHost Gateway { get; private set; } = null!;

    /// <summary>The browser; a test makes one context per person.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>An HTTP client for the gateway's API.</summary>
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium package (test.sh does).");
        }

        // Expect(...) waits this long before failing; it covers a join or a reconnect on a busy machine.
        Assertions.SetDefaultExpectTimeout(10_000);
        await _cluster.InitializeAsync();
        Gateway = await GatewayHost.StartAsync(_cluster.Cluster);
        Http = new HttpClient { BaseAddress = Gateway.Address };
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        Http?.Dispose();
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        await _cluster.DisposeAsync();
    }
}
