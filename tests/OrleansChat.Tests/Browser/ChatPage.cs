using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace OrleansChat.Tests.Browser;

/// <summary>
/// One person's chat page in its own browser context, seen only through the contract's test
/// hooks (<c>data-testid</c>), plus <c>#typing</c> for the typing hint.
/// </summary>
public sealed class ChatPage
{
    private readonly IBrowserContext _context;
    private readonly List<string> _scriptErrors = [];

    private ChatPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        // Uncaught exceptions, and anything the page's CSP blocked, are bugs in the page.
        page.PageError += (_, error) => Record($"uncaught: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                Record($"CSP: {message.Text}");
            }
        };
    }

    /// <summary>The page.</summary>
    public IPage Page { get; }

    /// <summary>The response that delivered the page itself.</summary>
    public IResponse? Document { get; private set; }

    /// <summary>The text connected, reconnecting or disconnected.</summary>
    public ILocator Status => Page.GetByTestId("status");

    /// <summary>The current room's message lines, oldest first.</summary>
    public ILocator Messages => Page.GetByTestId("messages").GetByTestId("message");

    /// <summary>The current room's message lines that the gateway has stored (they carry a seq).</summary>
    public ILocator StoredMessages => Page.GetByTestId("messages").Locator("[data-testid=message][data-seq]");

    /// <summary>The text of each line of the current room, oldest first.</summary>
    public ILocator Texts => Page.GetByTestId("messages").GetByTestId("message-text");

    /// <summary>The current room's members.</summary>
    public ILocator Members => Page.GetByTestId("member");

    /// <summary>Who is typing in the current room.</summary>
    public ILocator Typing => Page.Locator("#typing");

    /// <summary>The message box.</summary>
    public ILocator Input => Page.GetByTestId("message-input");

    /// <summary>What went wrong inside the page so far.</summary>
    public IReadOnlyList<string> ScriptErrors
    {
        get
        {
            lock (_scriptErrors)
            {
                return _scriptErrors.ToArray();
            }
        }
    }

    /// <summary>Opens <c>/?name=…&amp;room=…</c> on <paramref name="site"/> and waits until the page is connected and in the room.</summary>
    public static async Task<ChatPage> OpenAsync(IBrowser browser, Uri site, string name, string room)
    {
        var page = await OpenAtAsync(browser, site, $"/?name={Uri.EscapeDataString(name)}&room={Uri.EscapeDataString(room)}");
        await Expect(page.Status).ToHaveTextAsync("connected");
        // Members arrive with `joined`, so seeing oneself there means the join is done.
        await Expect(page.Member(name)).ToBeVisibleAsync();
        return page;
    }

    /// <summary>Opens <paramref name="path"/> (with its query and fragment) on <paramref name="site"/> in a new context, waiting for nothing more.</summary>
    public static async Task<ChatPage> OpenAtAsync(IBrowser browser, Uri site, string path)
    {
        var context = await browser.NewContextAsync(new()
        {
            BaseURL = site.ToString(),
            ViewportSize = new() { Width = 1200, Height = 720 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(10_000);
        var page = new ChatPage(context, await context.NewPageAsync());
        page.Document = await page.Page.GotoAsync(path);
        return page;
    }

    /// <summary>The member entry for a name.</summary>
    public ILocator Member(string name) => Members.GetByText(name, new() { Exact = true });

    /// <summary>The lines of the current room whose text is exactly <paramref name="text"/>.</summary>
    public ILocator Message(string text) =>
        Messages.Filter(new() { Has = Page.GetByTestId("message-text").GetByText(text, new() { Exact = true }) });

    /// <summary>The side list's entry for a room.</summary>
    public ILocator Room(string room) => Page.Locator($"[data-testid=room][data-room=\"{room}\"]");

    /// <summary>Writes a message and presses Enter; the box empties once the page has taken it.</summary>
    public async Task SendAsync(string text)
    {
        await Input.FillAsync(text);
        await Input.PressAsync("Enter");
        await Expect(Input).ToHaveValueAsync("");
    }

    /// <summary>Every line of the current room as "seq user: text", for comparing pages.</summary>
    public Task<string[]> LinesAsync() => Messages.EvaluateAllAsync<string[]>(
        """
        lines => lines.map(line =>
          `${line.dataset.seq ?? '-'} ${line.querySelector('[data-testid=message-user]').textContent}: ` +
          line.querySelector('[data-testid=message-text]').textContent)
        """);

    /// <summary>Closes the page's browser context, which closes its socket.</summary>
    public Task CloseAsync() => _context.CloseAsync();

    private void Record(string error)
    {
        lock (_scriptErrors)
        {
            _scriptErrors.Add(error);
        }
    }
}
