using Microsoft.Playwright;

namespace OrleansChat.Tests.Browser;

/// <summary>
/// The pages one test opened: closes them all at the end, then fails the test if any page
/// threw or broke its content security policy along the way.
/// </summary>
public sealed class ChatPages(IBrowser browser)
{
    private readonly List<ChatPage> _pages = [];

    /// <summary>Opens a page for <paramref name="name"/> in <paramref name="room"/> and waits until it is in the room.</summary>
    public async Task<ChatPage> OpenAsync(Uri site, string name, string room)
    {
        var page = await ChatPage.OpenAsync(browser, site, name, room);
        _pages.Add(page);
        return page;
    }

    /// <summary>Opens <paramref name="path"/> on <paramref name="site"/> and waits for nothing more.</summary>
    public async Task<ChatPage> OpenAtAsync(Uri site, string path)
    {
        var page = await ChatPage.OpenAtAsync(browser, site, path);
        _pages.Add(page);
        return page;
    }

    /// <summary>Closes every page, then asserts that none had a script error.</summary>
    public async Task CloseAllAsync()
    {
        foreach (var page in _pages)
        {
            await page.CloseAsync();
        }

        Assert.Empty(_pages.SelectMany(p => p.ScriptErrors));
    }
}
