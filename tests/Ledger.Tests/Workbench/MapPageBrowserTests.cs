using System.Text.Json;
using Deque.AxeCore.Playwright;
using Ledger.Spatial;
using Ledger.Tests.Support;
using Microsoft.Playwright;
using Shouldly;

namespace Ledger.Tests.Workbench;

/// <summary>The workbench map over the demo county 990101 (which has every kind of overlap): tiles drawn by the vendored MapLibre, layers, a click to a timeline, and the accessible list.</summary>
[Collection(DemoServiceCollection.Name)]
public sealed class MapPageBrowserTests(DemoService demo)
{
    [Fact]
    public async Task the_map_draws_the_ledgers_tiles_and_a_click_leads_to_a_timeline()
    {
        var page = await demo.NewPageAsync();
        var failed = new List<string>();
        page.RequestFailed += (_, r) => failed.Add(r.Url);
        page.Console += (_, m) => { if (m.Type == "error") failed.Add(m.Text); };
        await demo.SignInAsync(page, demo.Investigator);
        await page.GotoAsync("/ui/regions/990101");
        await page.GetByRole(AriaRole.Link, new() { Name = "查看一张图（图斑、红线、矿区与叠加）" }).ClickAsync();
        await page.WaitForURLAsync("**/ui/regions/990101/map**");

        // The map is loaded when every tile in view has been fetched and drawn.
        await page.WaitForFunctionAsync("() => window.ledgerMap && window.ledgerMap.loaded() && window.ledgerMap.areTilesLoaded()",
            null, new() { Timeout = 90_000 });
        var drawn = await page.EvaluateAsync<string[]>("() => [...new Set(window.ledgerMap.queryRenderedFeatures().map(f => f.sourceLayer))].sort()");
        drawn.ShouldContain("farmland");
        drawn.ShouldContain("redline");
        drawn.ShouldContain("overlaps");
        await DemoService.ScreenshotAsync(page, "map");

        // Switching a layer off hides it.
        await page.GetByLabel("生态保护红线").UncheckAsync();
        (await page.EvaluateAsync<string>("() => window.ledgerMap.getLayoutProperty('redline-fill', 'visibility')")).ShouldBe("none");
        await page.GetByLabel("生态保护红线").CheckAsync();

        // Click an overlap where it is drawn: the popup links to the footprint's timeline.
        var point = await page.EvaluateAsync<double[]>("""
            () => {
              const f = window.ledgerMap.queryRenderedFeatures({ layers: ['overlaps-fill'] })[0];
              const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
              const lng = ring.reduce((s, c) => s + c[0], 0) / ring.length, lat = ring.reduce((s, c) => s + c[1], 0) / ring.length;
              const p = window.ledgerMap.project([lng, lat]);
              const box = window.ledgerMap.getCanvas().getBoundingClientRect();
              return [box.left + p.x, box.top + p.y];
            }
            """);
        await page.Mouse.ClickAsync((float)point[0], (float)point[1]);
        var popup = page.Locator(".maplibregl-popup-content");
        await popup.WaitForAsync();
        await popup.GetByRole(AriaRole.Link).First.ClickAsync();
        await page.WaitForURLAsync("**/ui/streams/**");
        failed.ShouldBeEmpty();
        await demo.CloseAsync(page);
    }

    /// <summary>
    /// Contract 1.7 from the workbench: the map page's GeoPackage link downloads, in Chromium, a file GDAL
    /// opens without a warning, holding for every layer as many features as /map gives for the page's own
    /// date and knowledge time; the QGIS help names this host's OGC API address for the region.
    /// </summary>
    [Fact]
    public async Task the_geopackage_link_downloads_a_file_gdal_opens_and_the_qgis_help_names_the_service()
    {
        var page = await demo.NewPageAsync();
        await demo.SignInAsync(page, demo.Investigator);
        await page.GotoAsync("/ui/regions/990101/map");

        await page.GetByText("在 QGIS 中打开").ClickAsync();
        (await page.GetByLabel("OGC API – Features 连接地址").InputValueAsync())
            .ShouldBe($"{demo.BaseAddress.ToString().TrimEnd('/')}/api/v1/regions/990101/ogc");
        (await page.Locator("#qgis-help").InnerTextAsync()).ShouldContain("密码填写您的 API 密钥");
        await page.Locator("#desktop-gis").ScrollIntoViewIfNeededAsync();
        await page.EvaluateAsync("() => document.getElementById('desktop-gis').scrollIntoView()");
        await DemoService.ScreenshotAsync(page, "13-map-desktop-gis");

        var link = page.GetByRole(AriaRole.Link, new() { Name = "下载 GeoPackage（全部图层，EPSG:4490）" });
        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        download.SuggestedFilename.ShouldStartWith("ledger-990101-");
        var path = Path.Combine(Path.GetTempPath(), $"ledger-ui-download-{Guid.NewGuid():N}.gpkg");
        await download.SaveAsAsync(path);
        try
        {
            (await Gdal.LayersAsync(path)).ShouldBe(Layers.Map);
            (await Gdal.ValidateGeoPackageAsync(path)).ShouldBeEmpty();
            using var http = new HttpClient { BaseAddress = demo.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
            using var request = new HttpRequestMessage(HttpMethod.Get, (await link.GetAttributeAsync("href"))!.Replace("/export.gpkg", "/map"));
            request.Headers.Add("X-Api-Key", demo.Investigator);
            var map = JsonDocument.Parse(await (await http.SendAsync(request)).Content.ReadAsStringAsync()).RootElement;
            var expected = map.GetProperty("features").EnumerateArray().GroupBy(f => f.GetProperty("properties").GetProperty("layer").GetString()!)
                .ToDictionary(g => g.Key, g => g.Count());
            expected.GetValueOrDefault(Layers.Farmland).ShouldBeGreaterThan(0);
            foreach (var layer in Layers.Map)
                (await Gdal.LayerAsGeoJsonAsync(path, layer)).GetProperty("features").GetArrayLength().ShouldBe(expected.GetValueOrDefault(layer), layer);
        }
        finally
        {
            File.Delete(path);
        }
        await demo.CloseAsync(page);
    }

    [Fact]
    public async Task the_map_page_lists_the_overlaps_and_passes_the_accessibility_check()
    {
        var page = await demo.NewPageAsync();
        await demo.SignInAsync(page, demo.Investigator);
        await page.GotoAsync("/ui/regions/990101/map");
        var rows = page.Locator("#overlaps ~ div table tbody tr");
        (await rows.CountAsync()).ShouldBeGreaterThan(0);
        (await page.Locator("#overlaps ~ div table a[href^='/ui/streams/']").CountAsync()).ShouldBeGreaterThan(0);
        await page.WaitForFunctionAsync("() => window.ledgerMap && window.ledgerMap.loaded()", null, new() { Timeout = 90_000 });
        var result = await page.RunAxe();
        result.Violations.Select(v => $"{v.Id} ({v.Impact}) {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ShouldBeEmpty();

        // A bad date is a plain error page; a region outside the key's scope is refused.
        (await page.GotoAsync("/ui/regions/990101/map?asOf=2024-13-01"))!.Status.ShouldBe(400);
        await demo.CloseAsync(page);
    }
}
