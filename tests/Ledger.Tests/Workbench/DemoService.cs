using Ledger.Demo;
using Ledger.Storage;
using Ledger.Tests.Reliability;
using Ledger.Tests.Support;
using Microsoft.Playwright;
using Shouldly;

namespace Ledger.Tests.Workbench;

/// <summary>
/// The real service as a process on a real port (a browser cannot reach the in-memory test
/// server) with the demo province loaded, plus one headless Chromium (Debian's package, with the
/// flags from BUILD-NOTES). Shared by the browser tests.
/// </summary>
public sealed class DemoService : IAsyncLifetime
{
    public const string AdminKey = "workbench-admin";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"ledger-ui-{Guid.NewGuid():N}");
    private EmbeddedPostgres? _pg;
    private ApiProcess? _api;
    private IPlaywright? _playwright;

    public Uri BaseAddress => _api!.BaseAddress;
    public IBrowser Browser { get; private set; } = null!;
    public string Investigator { get; private set; } = "";
    public string CountyAuditor { get; private set; } = "";
    public string Writer { get; private set; } = "";

    /// <summary>
    /// Saves a screenshot for docs/ui.md. Chromium under a loaded machine sometimes answers "Unable to capture
    /// screenshot" once (a compositor frame not ready); the page is then settled and the capture tried again, once.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = false)
    {
        var options = new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = fullPage };
        try
        {
            await page.ScreenshotAsync(options);
        }
        catch (PlaywrightException e) when (e.Message.Contains("Unable to capture screenshot", StringComparison.Ordinal))
        {
            await page.WaitForLoadStateAsync(LoadState.Load);
            await page.ScreenshotAsync(options);
        }
    }

    /// <summary>Screenshots for docs/ui.md go here (test-output is not committed).</summary>
    public static string Screenshots { get; } = Path.Combine(Support.Repo.Root, "test-output", "ui");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Screenshots);
        _pg = await EmbeddedPostgres.StartAsync(_dir, durable: false);
        _api = new ApiProcess(_pg.ConnectionString(), AdminKey, ServiceFolder.KeyFile(_dir), new Dictionary<string, string>
        {
            ["LEDGER_DEMO"] = "1",
            // The loader's progress lines tell the tests when the demo is complete.
            ["Logging__LogLevel__Ledger.Api.Demo"] = "Information",
        });
        await _api.StartAsync();
        await WaitForDemoAsync();
        Investigator = await KeyAsync("investigator", "000000", "调查员 investigator");
        CountyAuditor = await KeyAsync("auditor", "990100", "市审计 auditor-9901");
        Writer = await KeyAsync("writer", "990000", "writer");
        await WarmUpAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            // WebGL for the map page comes from SwiftShader (software): no GPU on a CI machine.
            Args = ["--headless", "--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task<IPage> NewPageAsync(int width = 1366, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = width, Height = height }, AcceptDownloads = true, Locale = "zh-CN",
        });
        // The suite runs other heavy tests beside these on two cores: be patient rather than flaky.
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        var page = await context.NewPageAsync();
        var refused = _refusedByPolicy.GetOrAdd(page, _ => []);
        // Chromium reports what the Content-Security-Policy blocks (a style, a script, a worker, a fetch) as a console error.
        page.Console += (_, m) =>
        {
            if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal)) lock (refused) refused.Add($"{page.Url}: {m.Text}");
        };
        return page;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<IPage, List<string>> _refusedByPolicy = new();

    /// <summary>
    /// Closes the page's browser context, and fails the test if the Content-Security-Policy blocked
    /// anything on it: a page that needs what the policy refuses looks or works wrong.
    /// </summary>
    public async Task CloseAsync(IPage page)
    {
        await page.Context.CloseAsync();
        if (_refusedByPolicy.TryRemove(page, out var refused)) refused.ShouldBeEmpty();
    }

    public async Task SignInAsync(IPage page, string key)
    {
        await page.GotoAsync("/ui/sign-in");
        await page.GetByLabel("API 密钥").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        try
        {
            // The URL is what sign-in decides; the page's subresources are other tests' business.
            await page.WaitForURLAsync("**/ui/regions/**", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        }
        catch (TimeoutException e)
        {
            var text = await page.Locator("main").InnerTextAsync();
            throw new TimeoutException($"sign-in did not reach a region page: at {page.Url}: {text[..Math.Min(text.Length, 500)]}", e);
        }
    }

    /// <summary>
    /// The first request to each kind of page compiles Marten's queries and JITs the handlers;
    /// on a loaded CI machine that took longer than a browser's default timeout. Pay for it here.
    /// </summary>
    private async Task WarmUpAsync()
    {
        using var handler = new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = true };
        using var http = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(3) };
        (await http.PostAsync("/ui/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["apiKey"] = Investigator }))).EnsureSuccessStatusCode();
        foreach (var url in new[] { "/ui/regions/990100", "/ui/tenures/T-990101-2016-p", "/ui/streams/farmland/990101-000001", "/ui/audits", "/ui/investigations" })
            (await http.GetAsync(url)).EnsureSuccessStatusCode();
        await http.PostAsync("/ui/sign-out", null);
    }

    private Task WaitForDemoAsync()
    {
        var expected = new DemoLedger().Events().Count();
        return _api!.WaitForOutputAsync($"Demo data: {expected}/{expected} events", TimeSpan.FromMinutes(3));
    }

    private Task<string> KeyAsync(string role, string scope, string name) => _api!.IssueKeyAsync(name, role, scope);

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_api is not null) await _api.DisposeAsync();
        if (_pg is not null) await _pg.StopAsync();
        ServiceFolder.Remove(_dir);
    }
}

[CollectionDefinition(Name)]
public sealed class DemoServiceCollection : ICollectionFixture<DemoService>
{
    public const string Name = "demo-service";
}
