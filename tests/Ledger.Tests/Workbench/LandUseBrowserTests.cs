using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Ledger.Demo;
using Microsoft.Playwright;
using Shouldly;

namespace Ledger.Tests.Workbench;

/// <summary>
/// The land-use views in Chromium over the demo's first county, across its last two years (one in
/// surplus, one in deficit): the class table, 耕地进出平衡, the matrix, a cell to its events and on
/// to the parcel's timeline, the level switch, and axe over the page (the shades must keep contrast).
/// </summary>
[Collection(DemoServiceCollection.Name)]
public sealed class LandUseBrowserTests(DemoService demo)
{
    [Fact]
    public async Task the_sheet_shows_land_use_the_in_out_balance_and_a_matrix_whose_cells_lead_to_their_events()
    {
        var last = new DemoLedger().LastYear;
        var sheet = $"/ui/regions/990101?from={last - 1}-01-01&to={last}-12-31";
        var page = await demo.NewPageAsync(1366, 1700);
        await demo.SignInAsync(page, demo.CountyAuditor);
        await page.GotoAsync(sheet + "#land-use");

        var inOut = page.Locator("table.in-out");
        (await inOut.Locator("tbody tr").CountAsync()).ShouldBe(3); // two county-years and the total
        (await inOut.Locator("tr", new() { HasText = $"{last}" }).Locator("td.bad").InnerTextAsync()).ShouldBe("2.3 负债");
        (await inOut.Locator("tr", new() { HasText = $"{last - 1}" }).Locator("td.bad").CountAsync()).ShouldBe(0);

        var landUse = page.Locator("table.land-use");
        (await landUse.Locator("th[scope=row]", new() { HasText = "03 林地" }).CountAsync()).ShouldBe(1);
        (await landUse.Locator("th[scope=row]", new() { HasText = "00 湿地" }).CountAsync()).ShouldBe(1);
        // docs/ui: the in-out balance with its liability above the class table, then the matrix.
        await page.EvaluateAsync("document.querySelector('table.in-out').scrollIntoView()");
        await DemoService.ScreenshotAsync(page, "11-land-use");

        // A cell of the matrix: shaded, titled, and its figure opens the flows behind it.
        var cell = page.Locator("table.matrix td[title='03 林地 → 06 工矿用地: 3.2 ha']");
        (await cell.GetAttributeAsync("class"))!.ShouldMatch("^n heat[1-5]$");
        // The matrix alone: a viewport as tall as its heading, note, table and legend.
        await page.SetViewportSizeAsync(1366, 640);
        await page.EvaluateAsync("document.getElementById('transitions').scrollIntoView()");
        await DemoService.ScreenshotAsync(page, "12-transitions");
        var axe = await page.RunAxe();
        axe.Violations.Select(v => $"{v.Id} ({v.Impact}) {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ShouldBeEmpty();

        await cell.Locator("a").ClickAsync();
        await page.WaitForURLAsync(new Regex("/provenance\\?.*account=landUse.*otherClass=06"));
        (await page.Locator("#provenance-total").InnerTextAsync()).ShouldBe("3.2");
        await page.GetByRole(AriaRole.Link, new() { Name = "landuse:990101-L00001" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/ui/streams/landuse/990101-L00001"));
        (await page.Locator(".timeline li").CountAsync()).ShouldBe(2); // registered, then part of it reclassified

        // The level switch: the matrix by 二级类 names the K class the farmland was restored from.
        await page.GotoAsync(sheet + "#land-use");
        await page.Locator("p.levels").GetByRole(AriaRole.Link, new() { Name = "二级类" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("landUseLevel=2"));
        (await page.Locator("table.matrix td[title='0307K 可调整其他林地 → 0103 旱地: 1.5 ha']").CountAsync()).ShouldBe(1);
        (await page.Locator("p.levels [aria-current=page]").InnerTextAsync()).ShouldBe("二级类");
        await demo.CloseAsync(page);
    }
}
