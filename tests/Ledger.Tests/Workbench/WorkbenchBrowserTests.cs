using System.Text;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Shouldly;
using UglyToad.PdfPig;

namespace Ledger.Tests.Workbench;

/// <summary>The workbench in headless Chromium over the demo province: the auditor's journey, scope, languages, widths and accessibility.</summary>
[Collection(DemoServiceCollection.Name)]
public sealed class WorkbenchBrowserTests(DemoService demo)
{
    [Fact]
    public async Task an_auditor_signs_in_reads_a_sheet_follows_a_figure_to_its_events_and_downloads_an_audit()
    {
        var page = await demo.NewPageAsync();
        await page.GotoAsync("/ui/regions/990101");
        page.Url.ShouldContain("/ui/sign-in?next=");
        await Shot(page, "01-sign-in");
        await page.GetByLabel("API 密钥").FillAsync(demo.Investigator);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await page.WaitForURLAsync("**/ui/regions/990101");

        // Navigate down from the nation: province → prefecture → county.
        await page.GotoAsync("/ui");
        await page.GetByRole(AriaRole.Link, new() { Name = "演示省 (synthetic demo)" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "演示市1 (synthetic)" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "演示县1-1 (synthetic)", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/ui/regions/990101"));
        (await page.Locator("h1").InnerTextAsync()).ShouldContain("990101");
        var sheet = page.Locator("table.sheet");
        (await sheet.InnerTextAsync()).ShouldContain("耕地 farmland");
        await Shot(page, "02-balance-sheet", fullPage: true);

        // Every figure links to its provenance: the flows listed there add up to it.
        var closing = sheet.Locator("tr", new() { HasText = "耕地 farmland" }).First.Locator("td.n a").Nth(3);
        var figure = await closing.InnerTextAsync();
        await closing.ClickAsync();
        await page.WaitForURLAsync(new Regex("/provenance\\?"));
        (await page.Locator("#provenance-total").InnerTextAsync()).ShouldBe(figure);
        await Shot(page, "03-provenance");
        await page.Locator("table a[href^='/ui/streams/farmland/']").First.ClickAsync();
        await page.WaitForURLAsync(new Regex("/ui/streams/farmland/"));
        (await page.Locator(".timeline li").CountAsync()).ShouldBeGreaterThan(0);
        await Shot(page, "04-stream-timeline");

        // A tenure → issue its departure audit → the report → download the PDF.
        await page.GotoAsync("/ui/regions/990101#tenures");
        await page.GetByRole(AriaRole.Link, new() { Name = "T-990101-2016-p" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/ui/tenures/T-990101-2016-p"));
        await Shot(page, "05-tenure");
        // Points outside the zone's bracket are refused with the reason; inside, they are used.
        await page.GetByLabel("耕地保护").FillAsync("45");
        await page.GetByLabel("水资源管理").FillAsync("15");
        await page.GetByRole(AriaRole.Button, new() { Name = "生成报告" }).ClickAsync();
        (await page.GetByRole(AriaRole.Alert).InnerTextAsync()).ShouldContain("weights.farmland must be from 30 to 40 in zone agricultural");
        await page.GoBackAsync();
        await page.GetByLabel("耕地保护").FillAsync("40");
        await page.GetByLabel("水资源管理").FillAsync("20");
        await page.GetByRole(AriaRole.Button, new() { Name = "生成报告" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/ui/audits/[0-9a-f-]{36}$"));
        (await page.Locator("table", new() { HasText = "满分" }).Locator("tr", new() { HasText = "耕地保护" }).Locator("td.n").First.InnerTextAsync()).ShouldBe("40");
        var score = await page.Locator("#score").InnerTextAsync();
        decimal.Parse(score).ShouldBeInRange(0m, 100m);
        await Shot(page, "06-audit-report");

        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-pdf").ClickAsync());
        download.SuggestedFilename.ShouldEndWith(".pdf");
        var path = Path.Combine(DemoService.Screenshots, "downloaded-report.pdf");
        await download.SaveAsAsync(path);
        using (var pdf = PdfDocument.Open(path))
        {
            var text = string.Join("\n", pdf.GetPages().Select(p => p.Text)).Normalize(NormalizationForm.FormKC).Replace(" ", "");
            text.ShouldContain("领导干部自然资源资产离任审计报告");
            text.ShouldContain("T-990101-2016-p");
            text.ShouldContain(score);
        }

        // The report's figures link to their provenance too: farmland at the end of the tenure.
        var farmlandEnd = page.Locator("tr", new() { HasText = "耕地保有量 (ha)" }).Locator("td.n a").Nth(1);
        var endFigure = await farmlandEnd.InnerTextAsync();
        await farmlandEnd.ClickAsync();
        (await page.Locator("#provenance-total").InnerTextAsync()).ShouldBe(endFigure);
        await page.GoBackAsync();

        // Evidence links lead to the events behind a finding; the comparison says the report is reproducible.
        var evidence = page.Locator("section table a[href^='/ui/streams/']").First;
        if (await evidence.CountAsync() > 0)
        {
            await evidence.ClickAsync();
            await page.WaitForURLAsync(new Regex("/ui/streams/"));
            await page.GoBackAsync();
        }
        await page.GetByRole(AriaRole.Link, new() { Name = "与当前数据比较" }).ClickAsync();
        (await page.Locator("#reproducible").GetAttributeAsync("class")).ShouldBe("ok");
        await Shot(page, "07-compare");

        await page.GotoAsync("/ui/investigations?region=990101");
        (await page.Locator("table").First.InnerTextAsync()).ShouldContain("990101");
        await Shot(page, "08-back-dating");
        await page.GotoAsync("/ui/verify");
        (await page.Locator("#verify-result").GetAttributeAsync("class")).ShouldBe("ok");
        await demo.CloseAsync(page);
    }

    [Fact]
    public async Task role_and_scope_apply_as_in_the_api_and_errors_are_plain_pages()
    {
        var page = await demo.NewPageAsync();
        await page.GotoAsync("/ui/sign-in");
        await page.GetByLabel("API 密钥").FillAsync("not-a-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        (await page.GetByRole(AriaRole.Alert).InnerTextAsync()).ShouldContain("密钥无效");

        await demo.SignInAsync(page, demo.CountyAuditor);
        page.Url.ShouldEndWith("/ui/regions/990100");
        var outside = await page.GotoAsync("/ui/regions/990200");
        outside!.Status.ShouldBe(403);
        (await page.GetByRole(AriaRole.Alert).InnerTextAsync()).ShouldContain("不在密钥的范围 990100 之内");
        (await page.ContentAsync()).ShouldNotContain("Exception");
        (await page.GotoAsync("/ui/investigations"))!.Status.ShouldBe(403);
        (await page.GotoAsync("/ui/tenures/T-990201-2016-p"))!.Status.ShouldBe(403);
        (await page.GotoAsync("/ui/tenures/T-nobody"))!.Status.ShouldBe(404);
        (await page.GotoAsync("/ui/regions/990101?from=2025-13-01"))!.Status.ShouldBe(400);
        (await page.GotoAsync("/api/v1/regions/990200/balance-sheet"))!.Status.ShouldBe(403);
        (await page.GotoAsync("/api/v1/regions/990101/balance-sheet"))!.Status.ShouldBe(200);

        // Signing out ends the session for the pages and for the API alike.
        await page.GotoAsync("/ui/regions/990100");
        await page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        // The URL is what signing out decides (as in DemoService.SignInAsync): not the sign-in page's load event.
        try
        {
            await page.WaitForURLAsync("**/ui/sign-in", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        }
        catch (TimeoutException e)
        {
            // It timed out once in a full suite with the load events seen: say where the browser was and what it showed.
            var text = await page.Locator("body").InnerTextAsync();
            throw new TimeoutException($"signing out did not reach the sign-in page: at {page.Url}: {text[..Math.Min(text.Length, 500)]}", e);
        }
        // Through the context's request client (same cookies): a navigation to the API's 401 meets its Basic challenge
        // (for desktop GIS), which headless Chromium turns into ERR_INVALID_AUTH_CREDENTIALS instead of a status.
        (await page.Context.APIRequest.GetAsync("/api/v1/regions/990101/balance-sheet")).Status.ShouldBe(401);

        var writer = await demo.NewPageAsync();
        await writer.GotoAsync("/ui/sign-in");
        await writer.GetByLabel("API 密钥").FillAsync(demo.Writer);
        await writer.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        (await writer.GetByRole(AriaRole.Alert).InnerTextAsync()).ShouldContain("审计和调查人员");
        await writer.GotoAsync("/ui/regions/990000");
        writer.Url.ShouldContain("/ui/sign-in", customMessage: "a writer key must not leave a session behind");
        await demo.CloseAsync(page);
        await demo.CloseAsync(writer);
    }

    [Fact]
    public async Task the_english_switch_keyboard_and_tablet_width_work()
    {
        var page = await demo.NewPageAsync(768, 1024);
        await demo.SignInAsync(page, demo.Investigator);
        await page.GotoAsync("/ui/regions/990101");
        await page.Keyboard.PressAsync("Tab");
        (await page.EvaluateAsync<string>("document.activeElement.className")).ShouldBe("skip");
        (await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue();
        await Shot(page, "09-tablet-balance-sheet");

        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/ui/regions/990101"));
        (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe("en");
        (await page.Locator("#sheet").InnerTextAsync()).ShouldBe("Balance sheet");
        await Shot(page, "10-english");
        await page.GetByRole(AriaRole.Link, new() { Name = "中文" }).ClickAsync();
        (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe("zh-CN");
        await demo.CloseAsync(page);
    }

    [Fact]
    public async Task the_main_pages_pass_an_automated_accessibility_check()
    {
        var page = await demo.NewPageAsync();
        await page.GotoAsync("/ui/sign-in");
        var violations = new List<string>();
        await Check("/ui/sign-in");
        await demo.SignInAsync(page, demo.Investigator);
        foreach (var url in new[] { "/ui/regions/990000", "/ui/regions/990101", "/ui/regions/990101/provenance?account=farmland&part=closing&from=2025-01-01&to=2025-12-31",
                     "/ui/tenures/T-990101-2021-p", "/ui/streams/farmland/990101-000001", "/ui/investigations?region=990101", "/ui/audits" })
            await Check(url);
        await page.GotoAsync("/ui/tenures/T-990102-2021-g");
        await page.GetByRole(AriaRole.Button, new() { Name = "生成报告" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/ui/audits/[0-9a-f-]{36}$"));
        await Check(new Uri(page.Url).PathAndQuery);
        violations.ShouldBeEmpty();
        await demo.CloseAsync(page);

        async Task Check(string url)
        {
            await page.GotoAsync(url);
            var result = await page.RunAxe();
            violations.AddRange(result.Violations.Select(v => $"{url}: {v.Id} ({v.Impact}) {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}"));
        }
    }

    private static Task Shot(IPage page, string name, bool fullPage = false) => DemoService.ScreenshotAsync(page, name, fullPage);
}
