using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Storage;
using Ledger.Tests.Reliability;
using Ledger.Tests.Support;
using Npgsql;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.National;

/// <summary>
/// Issue 12 / contract 1.2: provinces in shards (three shards on two PostgreSQL clusters, the
/// catalogue keeping the provinces no shard lists), two service processes on one configuration.
/// </summary>
// In the browser tests' collection: two service processes and two clusters beside Chromium on two cores made page loads time out.
[Collection(Ledger.Tests.Workbench.DemoServiceCollection.Name)]
public sealed class ShardTests
{
    private const string AdminKey = "shard-admin";

    [Fact]
    public async Task events_go_to_their_provinces_database_only_and_the_nation_is_the_exact_sum_of_the_databases()
    {
        var root = Path.Combine(Path.GetTempPath(), $"ledger-shards-{Guid.NewGuid():N}");
        var a = await EmbeddedPostgres.StartAsync(root + "-a", durable: false);
        var b = await EmbeddedPostgres.StartAsync(root + "-b", durable: false);
        ApiProcess[] nodes = [];
        try
        {
            await CreateDatabaseAsync(a, "shard_east");
            await CreateDatabaseAsync(b, "shard_west");
            var databases = new Dictionary<string, string>
            {
                ["catalogue"] = a.ConnectionString(), ["east"] = a.ConnectionString("shard_east"),
                ["north"] = b.ConnectionString(), ["west"] = b.ConnectionString("shard_west"),
            };
            var file = root + "-shards.json";
            await File.WriteAllTextAsync(file, new JsonObject
            {
                ["shards"] = new JsonArray(
                    Shard("east", databases["east"], "41"), Shard("north", databases["north"], "11", "13"), Shard("west", databases["west"], "42")),
            }.ToJsonString());
            // The rollback guard looks every second, so a forked shard is found while the test runs.
            var environment = new Dictionary<string, string> { ["LEDGER_SHARDS_FILE"] = file, ["LEDGER_ROLLBACK_CHECK_SECONDS"] = "1" };
            // Node 0 caps a map at 3 features: the nation's 4 below, 2 in each of two databases, are over it together.
            var capped = new Dictionary<string, string>(environment) { ["LEDGER_MAP_MAX_FEATURES"] = "3" };
            nodes = [new ApiProcess(a.ConnectionString(), AdminKey, ServiceFolder.KeyFile(root), capped), new ApiProcess(a.ConnectionString(), AdminKey, ServiceFolder.KeyFile(root), environment)];
            foreach (var n in nodes) await n.StartAsync();
            var writer = await nodes[0].IssueKeyAsync("national-writer", "writer");
            var investigator = await nodes[1].IssueKeyAsync("national-investigator", "investigator");

            // Each province's regions and parcels: 41 → east, 42 → west, 11 → north, 32 → the catalogue.
            foreach (var (p, area, parcels) in new[] { ("41", 10m, 3), ("42", 7m, 1), ("11", 5m, 1), ("32", 2m, 1) })
                (await PostAsync(nodes[0], writer, Province(p, area, parcels))).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await PostAsync(nodes[0], writer, [Make("tenure.started", "T-420102-1", "420102",
                new JsonObject { ["officialId"] = "O-42", ["officialName"] = "王五", ["post"] = "party-secretary" }, "2021-01-01")])).StatusCode.ShouldBe(HttpStatusCode.OK);

            // A batch holding two databases' provinces is refused before anything is written.
            var before = await CountsAsync(databases);
            var split = await PostAsync(nodes[0], writer, [Parcel("410102-000009", 1m), Parcel("420102-000009", 1m).With("regionCode", "420102")]);
            split.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await split.Content.ReadAsStringAsync()).ShouldContain("is stored in database west");
            (await CountsAsync(databases)).ShouldBe(before);

            // SQL: every event is in its province's database and nowhere else.
            (await ProvincesInAsync(databases["east"])).ShouldBe(["41"]);
            (await ProvincesInAsync(databases["west"])).ShouldBe(["42"]);
            (await ProvincesInAsync(databases["north"])).ShouldBe(["11"]);
            (await ProvincesInAsync(databases["catalogue"])).ShouldBe(["32"]);

            // The other node answers the nation's sheet: the exact sum of the four provinces' sheets.
            var auditor = await nodes[0].IssueKeyAsync("national-auditor", "auditor");
            var nation = await FarmlandClosingAsync(nodes[1], auditor, "000000");
            var provinces = new List<decimal>();
            foreach (var p in new[] { "410000", "420000", "110000", "320000" }) provinces.Add(await FarmlandClosingAsync(nodes[1], auditor, p));
            provinces.ShouldBe([30m, 7m, 5m, 2m]);
            nation.ShouldBe(provinces.Sum());

            // The nation's lists read every database, a page at a time database by database, with one whole-number cursor:
            // provenance's flows sum to the nation's figure; paging finds every indexed event of every database exactly once.
            var provenance = await PagesAsync(nodes[0], auditor, "/api/v1/regions/000000/balance-sheet/provenance?account=farmland&from=2021-01-01&to=2021-12-31&limit=2", "flows");
            provenance.First.GetProperty("total").GetDecimal().ShouldBe(nation);
            provenance.First.GetProperty("count").GetInt64().ShouldBe(6);
            provenance.Rows.Sum(f => f.GetProperty("amount").GetDecimal()).ShouldBe(nation);
            provenance.Rows.Select(f => f.GetProperty("database").GetString()).Distinct().ShouldBe(["catalogue", "east", "north", "west"]);
            var events = await PagesAsync(nodes[1], investigator, "/api/v1/events?region=000000&limit=4", "events");
            var indexed = 0L;
            foreach (var (name, connection) in databases) indexed += await CountAsync(connection, "select count(*) from ledger.event_index");
            events.Rows.Select(e => (e.GetProperty("database").GetString(), e.GetProperty("sequence").GetInt64())).Distinct().Count().ShouldBe((int)indexed);
            events.Rows.Count.ShouldBe((int)indexed);
            var backDating = await GetJsonAsync(nodes[1], investigator, "/api/v1/investigations/back-dating?region=000000&minDelayDays=0&limit=10000");
            backDating.GetProperty("backDated").GetArrayLength().ShouldBe((int)indexed);
            using (var http0 = new HttpClient { BaseAddress = nodes[0].BaseAddress })
            using (var foreign = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/events?region=000000&after={(9L << 48) + 1}"))
            {
                foreign.Headers.Add("X-Api-Key", investigator);
                using var refusedCursor = await http0.SendAsync(foreign);
                refusedCursor.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
                (await refusedCursor.Content.ReadAsStringAsync()).ShouldContain("the next cursor this list returned");
            }

            // The operator's view: every database answers with a level chain.
            var (checkedOk, report) = await ShardsCommandAsync(a.ConnectionString(), file, "check");
            checkedOk.ShouldBe(0, report);
            report.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ShouldBe(["catalogue", "east", "north", "west"]);

            // One national checkpoint attests every database's head: its root is the Merkle root of the heads, signed once.
            var national = await NationalCheckpointAsync(nodes[1], investigator);
            national.GetProperty("heads").EnumerateArray().Select(h => h.GetProperty("database").GetString()).ShouldBe(["catalogue", "east", "north", "west"]);
            foreach (var h in national.GetProperty("heads").EnumerateArray())
                h.GetProperty("position").GetInt64().ShouldBe(await CountAsync(databases[h.GetProperty("database").GetString()!], "select max(position) from ledger.chain"));
            national.GetProperty("message").GetString()!.ShouldStartWith($"ledger-national|v1|{national.GetProperty("root").GetString()}|");

            // Verify covers every database and names each.
            var verified = await GetJsonAsync(nodes[1], investigator, "/api/v1/ledger/verify");
            verified.GetProperty("ok").GetBoolean().ShouldBeTrue(verified.ToString());
            verified.GetProperty("shards").EnumerateArray().Select(s => (s.GetProperty("name").GetString(), s.GetProperty("eventsChecked").GetInt64()))
                .ShouldBe([("catalogue", 4L), ("east", 6L), ("north", 4L), ("west", 5L)]);

            // A stream and a departure audit are read from their province's database, by either node; the report is kept in the catalogue.
            var stream = await GetJsonAsync(nodes[1], auditor, "/api/v1/streams/farmland/420102-000001");
            stream.GetProperty("state").GetProperty("areaHa").GetDecimal().ShouldBe(7m);
            using (var http1 = new HttpClient { BaseAddress = nodes[0].BaseAddress })
            using (var audit = new HttpRequestMessage(HttpMethod.Post, "/api/v1/audits/departure")
                   { Content = new StringContent("""{"tenureId":"T-420102-1","interim":true}""", Encoding.UTF8, "application/json") })
            {
                audit.Headers.Add("X-Api-Key", auditor);
                using var created = await http1.SendAsync(audit);
                var body = await created.Content.ReadAsStringAsync();
                created.StatusCode.ShouldBe(HttpStatusCode.Created, body);
                var id = JsonDocument.Parse(body).RootElement.GetProperty("reportId").GetString();
                var compared = await GetJsonAsync(nodes[1], auditor, $"/api/v1/audits/{id}/compare");
                compared.GetProperty("reproducible").GetBoolean().ShouldBeTrue(compared.ToString());
            }
            (await CountAsync(databases["catalogue"], "select count(*) from ledger.audit_reports")).ShouldBe(1);
            (await CountAsync(databases["west"], "select count(*) from ledger.audit_reports")).ShouldBe(0);

            // A change made behind the ledger's back in one shard: verify fails and names that shard alone. Here the
            // attested chain link itself is rewritten, as someone re-chaining the shard after editing it would.
            await ExecuteAsync(databases["west"], "update ledger.chain set hash = sha256(hash) where position = (select max(position) from ledger.checkpoints)");
            await ExecuteAsync(databases["west"], "update ledger.mt_events set data = jsonb_set(data, '{areaHa}', '70') where type = 'farmland.parcel-registered'");
            verified = await GetJsonAsync(nodes[0], investigator, "/api/v1/ledger/verify");
            verified.GetProperty("ok").GetBoolean().ShouldBeFalse();
            verified.GetProperty("shards").EnumerateArray().Where(s => !s.GetProperty("ok").GetBoolean()).Select(s => s.GetProperty("name").GetString())
                .ShouldBe(["west"]);
            var problems = verified.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("what").GetString()!).ToList();
            problems.ShouldAllBe(p => p.StartsWith("database west: "));
            problems.ShouldContain(p => p.Contains("the national checkpoint signed"));
            var (cliExit, cli) = await CommandAsync(a.ConnectionString(), file, ServiceFolder.KeyFile(root), "verify");
            cliExit.ShouldBe(1, cli);
            cli.ShouldContain("database west:");
            cli.ShouldContain("NATIONAL CHECKPOINTS BROKEN");
            cli.ShouldContain("database west: the national checkpoint signed");

            // The rollback guard holds each shard against the national checkpoint: west, forked, takes no events; east goes on.
            await nodes[0].WaitForOutputAsync("Rollback check of database west: Forked", TimeSpan.FromSeconds(30));
            using (var readiness = new HttpClient { BaseAddress = nodes[0].BaseAddress })
            using (var ready = await readiness.GetAsync("/health/ready"))
            {
                ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
                (await ready.Content.ReadAsStringAsync()).ShouldContain("rollback detected in database west (Forked)");
            }
            var refused = await PostAsync(nodes[0], writer, [Parcel("420102-000077", 1m).With("regionCode", "420102")]);
            refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await refused.Content.ReadAsStringAsync()).ShouldContain("Database west is behind its signed checkpoint");
            (await PostAsync(nodes[0], writer, [Parcel("410102-000077", 1m)])).StatusCode.ShouldBe(HttpStatusCode.OK);

            // An import's features go to their province's database: a layer of county 410102 lands in shard east.
            var eastParcels = await CountAsync(databases["east"], "select count(*) from ledger.mt_events where type = 'farmland.parcel-registered'");
            await ImportAsync(nodes[0], writer);
            (await CountAsync(databases["east"], "select count(*) from ledger.mt_events where type = 'farmland.parcel-registered'")).ShouldBe(eastParcels + 3);
            (await CountAsync(databases["catalogue"], "select count(*) from ledger.mt_events where type = 'farmland.parcel-registered' and stream_id like 'farmland:K%'")).ShouldBe(0);

            // What does not yet read every database says so instead of answering from the catalogue alone.
            using var http = new HttpClient { BaseAddress = nodes[0].BaseAddress };
            // The workbench reads each province's database, and every one for the nation.
            using (var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = nodes[1].BaseAddress })
            {
                var cookie = Ledger.Tests.Workbench.WorkbenchForms.SessionCookie(await Ledger.Tests.Workbench.WorkbenchForms.SignIn(browser, auditor));
                using (var province = await Ledger.Tests.Workbench.WorkbenchForms.Page(browser, cookie, "/ui/regions/420000"))
                {
                    province.StatusCode.ShouldBe(HttpStatusCode.OK);
                    (await province.Content.ReadAsStringAsync()).ShouldContain("T-420102-1");
                }
                using (var timeline = await Ledger.Tests.Workbench.WorkbenchForms.Page(browser, cookie, "/ui/streams/farmland/420102-000001"))
                    timeline.StatusCode.ShouldBe(HttpStatusCode.OK);
                // The nation's pages read every database: its provinces, its tenures, its sheet, the provenance of a figure.
                using (var nationPage = await Ledger.Tests.Workbench.WorkbenchForms.Page(browser, cookie, "/ui/regions/000000?from=2021-01-01&to=2021-12-31"))
                {
                    var html = await nationPage.Content.ReadAsStringAsync();
                    nationPage.StatusCode.ShouldBe(HttpStatusCode.OK, html);
                    foreach (var code in new[] { "110000", "320000", "410000", "420000", "T-420102-1" }) html.ShouldContain(code);
                }
                using (var figure = await Ledger.Tests.Workbench.WorkbenchForms.Page(browser, cookie,
                           "/ui/regions/000000/provenance?account=farmland&part=closing&from=2021-01-01&to=2021-12-31"))
                {
                    var html = await figure.Content.ReadAsStringAsync();
                    figure.StatusCode.ShouldBe(HttpStatusCode.OK, html);
                    var nationNow = await FarmlandClosingAsync(nodes[1], auditor, "000000"); // east has taken parcels since
                    html.ShouldContain($"<strong id=\"provenance-total\">{Ledger.Audit.Departure.Measures.Number(nationNow)}</strong>");
                    foreach (var database in new[] { "catalogue #", "east #", "north #", "west #" }) html.ShouldContain(database);
                }
                var investigatorCookie = Ledger.Tests.Workbench.WorkbenchForms.SessionCookie(await Ledger.Tests.Workbench.WorkbenchForms.SignIn(browser, investigator));
                using (var lateRecords = await Ledger.Tests.Workbench.WorkbenchForms.Page(browser, investigatorCookie, "/ui/investigations?region=000000&minDelayDays=0"))
                {
                    var html = await lateRecords.Content.ReadAsStringAsync();
                    lateRecords.StatusCode.ShouldBe(HttpStatusCode.OK, html);
                    foreach (var key in new[] { "110102-000001", "320102-000001", "410102-000001", "420102-000001" }) html.ShouldContain(key);
                }
            }

            // Each database's own checkpoints can be exported by name, and verified against later.
            var eastCheckpoints = (await GetJsonAsync(nodes[0], investigator, "/api/v1/ledger/checkpoints?database=east")).GetProperty("checkpoints");
            eastCheckpoints.GetArrayLength().ShouldBeGreaterThan(0);
            using (var against = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ledger/verify")
                   { Content = new StringContent(new JsonObject { ["checkpoints"] = JsonNode.Parse(eastCheckpoints.GetRawText()), ["database"] = "east" }.ToJsonString(), Encoding.UTF8, "application/json") })
            {
                against.Headers.Add("X-Api-Key", investigator);
                using var answer = await http.SendAsync(against);
                var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
                answer.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
                body.GetProperty("shards").EnumerateArray().Single(x => x.GetProperty("name").GetString() == "east").GetProperty("ok").GetBoolean().ShouldBeTrue(body.ToString());
            }
            using (var unknown = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ledger/checkpoints?database=south"))
            {
                unknown.Headers.Add("X-Api-Key", investigator);
                (await http.SendAsync(unknown)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            }

            // The nation's map, overlaps and tiles put every database's features together: a permanent basic parcel with
            // a footprint on it in province 11 (north) and in 32 (the catalogue), side by side.
            foreach (var (county, x) in new[] { ("110102", 0), ("320102", 3) })
                (await PostAsync(nodes[0], writer, [
                    Parcel($"{county}-P", permanentBasic: true).With("regionCode", county).Drawn(Geo.Cell(x, 0, 2, 2)),
                    Make("farmland.occupied", $"{county}-P", county, new JsonObject { ["purpose"] = "construction", ["legal"] = false }, "2022-06-01")
                        .Drawn(Geo.Cell(x + 0.5, 0.5, 0.5, 0.5))])).StatusCode.ShouldBe(HttpStatusCode.OK);
            var nationalMap = await GetJsonAsync(nodes[1], auditor, "/api/v1/regions/000000/map?layers=permanentBasic,footprints");
            nationalMap.GetProperty("region").GetString().ShouldBe("000000");
            nationalMap.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("stream").GetString()).Order()
                .ShouldBe(["110102-P", "110102-P", "320102-P", "320102-P"]);
            await NationalExportIsTheMapAsync(nodes[1], nodes[0], auditor, nationalMap);
            var overlaps = (await GetJsonAsync(nodes[1], auditor, "/api/v1/regions/000000/overlaps")).GetProperty("overlaps").EnumerateArray()
                .Select(o => o.GetProperty("protected").GetProperty("stream").GetString()).Order().ToList();
            overlaps.ShouldBe(["110102-P", "320102-P"]);
            var (tileX, tileY) = (TileX(Geo.Lon + 0.02, 10), TileY(Geo.Lat + 0.01, 10));
            using (var tiles = new HttpClient { BaseAddress = nodes[0].BaseAddress })
            using (var tileRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/regions/000000/tiles/10/{tileX}/{tileY}.mvt"))
            {
                tileRequest.Headers.Add("X-Api-Key", auditor);
                using var tileResponse = await tiles.SendAsync(tileRequest);
                tileResponse.StatusCode.ShouldBe(HttpStatusCode.OK, await tileResponse.Content.ReadAsStringAsync());
                var tile = new MapboxTileReader().Read(await tileResponse.Content.ReadAsStreamAsync(), new NetTopologySuite.IO.VectorTiles.Tiles.Tile(tileX, tileY, 10));
                tile.Layers.Select(l => l.Name).Order().ShouldBe(["farmland", "footprints", "overlaps", "permanentBasic"]); // one tile layer per map layer, never repeated
                tile.Layers.Single(l => l.Name == "overlaps").Features.Select(f => (string)f.Attributes["protectedStream"]).Order().ShouldBe(["110102-P", "320102-P"]);

                // The cap is on the sum over the databases; a zoom 5 tile is kept by what every database had recorded.
                using var overCap = new HttpRequestMessage(HttpMethod.Get, "/api/v1/regions/000000/map?layers=permanentBasic,footprints");
                overCap.Headers.Add("X-Api-Key", auditor);
                using var overCapAnswer = await tiles.SendAsync(overCap);
                overCapAnswer.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
                (await overCapAnswer.Content.ReadAsStringAsync()).ShouldContain("at least 4 features");
                var low = new List<byte[]>();
                for (var i = 0; i < 2; i++)
                {
                    using var lowRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/regions/000000/tiles/5/{TileX(Geo.Lon, 5)}/{TileY(Geo.Lat, 5)}.mvt");
                    lowRequest.Headers.Add("X-Api-Key", auditor);
                    using var lowResponse = await tiles.SendAsync(lowRequest);
                    lowResponse.StatusCode.ShouldBe(HttpStatusCode.OK, await lowResponse.Content.ReadAsStringAsync());
                    low.Add(await lowResponse.Content.ReadAsByteArrayAsync());
                }
                low[1].ShouldBe(low[0]);
            }

            // One cluster down (shards north and west): the other provinces' sheets go on; the nation's
            // says which database is missing rather than summing less.
            await b.StopAsync();
            (await FarmlandClosingAsync(nodes[1], auditor, "410000")).ShouldBe(31m, "the 30 ha posted first and the 1 ha parcel east took while west was blocked");
            using var nationalSheet = new HttpRequestMessage(HttpMethod.Get, "/api/v1/regions/000000/balance-sheet?from=2021-01-01&to=2021-12-31");
            nationalSheet.Headers.Add("X-Api-Key", auditor);
            using var missing = await http.SendAsync(nationalSheet);
            missing.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await missing.Content.ReadAsStringAsync()).ShouldMatch("database (north|west) \\(provinces (11, 13|42)\\) did not answer");
            using (var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = nodes[1].BaseAddress })
            {
                var cookie = Ledger.Tests.Workbench.WorkbenchForms.SessionCookie(await Ledger.Tests.Workbench.WorkbenchForms.SignIn(browser, auditor));
                using var nationPage = await Ledger.Tests.Workbench.WorkbenchForms.Page(browser, cookie, "/ui/regions/000000");
                nationPage.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
                (await nationPage.Content.ReadAsStringAsync()).ShouldMatch("数据库 (north|west)（省份 (11, 13|42)）没有响应");
            }
            // A stream might be in the missing database: 503 naming it, not 404.
            using (var stream404 = new HttpRequestMessage(HttpMethod.Get, "/api/v1/streams/farmland/410102-000001"))
            {
                stream404.Headers.Add("X-Api-Key", auditor);
                using var down = await http.SendAsync(stream404);
                down.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
                (await down.Content.ReadAsStringAsync()).ShouldMatch("database (north|west) \\(provinces (11, 13|42)\\) did not answer");
            }
            (checkedOk, report) = await ShardsCommandAsync(a.ConnectionString(), file, "check");
            checkedOk.ShouldBe(1, report);
            report.ShouldContain("UNREACHABLE");
        }
        finally
        {
            foreach (var n in nodes) await n.DisposeAsync();
            await CleanUpAsync(root, a, b);
        }
    }

    /// <summary>
    /// Contract 1.7 across shards: the nation's GeoPackage holds every database's features, as its map does (GDAL reads it
    /// back); on <paramref name="capped"/> (3 features at most) the sum of the databases' 4 is refused, as for the map.
    /// </summary>
    private static async Task NationalExportIsTheMapAsync(ApiProcess node, ApiProcess capped, string key, JsonElement map)
    {
        const string Url = "/api/v1/regions/000000/export.gpkg?layers=permanentBasic,footprints";
        var path = Path.Combine(Path.GetTempPath(), $"ledger-shards-export-{Guid.NewGuid():N}.gpkg");
        try
        {
            using (var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromMinutes(1) })
            using (var request = new HttpRequestMessage(HttpMethod.Get, Url))
            {
                request.Headers.Add("X-Api-Key", key);
                using var response = await http.SendAsync(request);
                response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
                await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
            }
            (await Gdal.LayersAsync(path)).ShouldBe(["permanentBasic", "footprints"]);
            foreach (var layer in new[] { "permanentBasic", "footprints" })
                (await Gdal.LayerAsGeoJsonAsync(path, layer)).GetProperty("features").EnumerateArray()
                    .Select(f => f.GetProperty("properties").GetProperty("stream").GetString()).Order()
                    .ShouldBe(map.GetProperty("features").EnumerateArray().Where(f => f.GetProperty("properties").GetProperty("layer").GetString() == layer)
                        .Select(f => f.GetProperty("properties").GetProperty("stream").GetString()).Order());
        }
        finally
        {
            File.Delete(path);
        }
        using var overCapHttp = new HttpClient { BaseAddress = capped.BaseAddress, Timeout = TimeSpan.FromMinutes(1) };
        using var overCap = new HttpRequestMessage(HttpMethod.Get, Url);
        overCap.Headers.Add("X-Api-Key", key);
        using var refused = await overCapHttp.SendAsync(overCap);
        refused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("at least 4 features");
    }

    [Fact]
    public async Task a_shard_that_does_not_answer_at_start_waits_while_the_other_provinces_are_served()
    {
        var root = Path.Combine(Path.GetTempPath(), $"ledger-shard-start-{Guid.NewGuid():N}");
        var a = await EmbeddedPostgres.StartAsync(root + "-a", durable: false);
        var b = await EmbeddedPostgres.StartAsync(root + "-b", durable: false);
        ApiProcess? node = null;
        try
        {
            await CreateDatabaseAsync(b, "shard_west");
            var file = root + "-shards.json";
            await File.WriteAllTextAsync(file, new JsonObject { ["shards"] = new JsonArray(Shard("west", b.ConnectionString("shard_west"), "42")) }.ToJsonString());
            var port = b.Port;
            await b.StopAsync();

            node = new ApiProcess(a.ConnectionString(), AdminKey, ServiceFolder.KeyFile(root),
                new Dictionary<string, string> { ["LEDGER_SHARDS_FILE"] = file, ["LEDGER_SHARD_RETRY_SECONDS"] = "1" });
            await node.StartAsync();
            await node.WaitForOutputAsync("Database west (provinces 42) did not answer at start", TimeSpan.FromSeconds(10));
            var writer = await node.IssueKeyAsync("start-writer", "writer");
            var auditor = await node.IssueKeyAsync("start-auditor", "auditor");
            (await PostAsync(node, writer, Province("41", 10m, 1))).StatusCode.ShouldBe(HttpStatusCode.OK, "the catalogue's provinces are served");
            (await FarmlandClosingAsync(node, auditor, "410000")).ShouldBe(10m);
            var refused = await PostAsync(node, writer, Province("42", 7m, 1));
            refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await refused.Content.ReadAsStringAsync()).ShouldContain("database west (provinces 42) did not answer");
            using (var http = new HttpClient { BaseAddress = node.BaseAddress })
            {
                using var ready = await http.GetAsync("/health/ready");
                ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
                (await ready.Content.ReadAsStringAsync()).ShouldContain("database west is not in service");
                using var nation = new HttpRequestMessage(HttpMethod.Get, "/api/v1/regions/000000/balance-sheet");
                nation.Headers.Add("X-Api-Key", auditor);
                (await http.SendAsync(nation)).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, "never the nation short of a database");
            }

            // The cluster comes back on its old address: the node applies the schema and serves province 42.
            b = await EmbeddedPostgres.StartAsync(root + "-b", durable: false, port: port);
            await node.WaitForOutputAsync("Database west answers: schema applied", TimeSpan.FromSeconds(30));
            (await PostAsync(node, writer, Province("42", 7m, 1))).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await ProvincesInAsync(b.ConnectionString("shard_west"))).ShouldBe(["42"]);
            (await FarmlandClosingAsync(node, auditor, "000000")).ShouldBe(17m);
            using (var http = new HttpClient { BaseAddress = node.BaseAddress })
                (await (await http.GetAsync("/health/ready")).Content.ReadAsStringAsync()).ShouldNotContain("not in service");
        }
        finally
        {
            if (node is not null) await node.DisposeAsync();
            await CleanUpAsync(root, a, b);
        }
    }

    /// <summary>Uploads a three-parcel 三调 layer of county 410102 and waits for the job to finish.</summary>
    private static async Task ImportAsync(ApiProcess node, string key)
    {
        var layer = Ledger.Tests.Imports.LayerFiles.GeoJson(Enumerable.Range(0, 3).Select(i =>
        {
            var cell = Ledger.Tests.Support.Geo.Cell(i, 20, 0.5, 0.5);
            return ($"K{i:00000}", "0101", Math.Round(Ledger.Tests.Support.Geo.AreaHa(cell) * 10_000m * 0.9m, 2), cell);
        }).ToArray());
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var content = new MultipartFormDataContent
        {
            { new ByteArrayContent(layer), "file", "dltb.geojson" }, { new StringContent("farmland"), "layer" },
            { new StringContent("2024-01-01"), "effectiveDate" }, { new StringContent("""{"qualityGrade":"ZLDJ"}"""), "mapping" },
        };
        using var upload = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports") { Content = content };
        upload.Headers.Add("X-Api-Key", key);
        using var accepted = await http.SendAsync(upload);
        var body = await accepted.Content.ReadAsStringAsync();
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("importId").GetString();
        for (var i = 0; i < 30; i++)
        {
            var status = await GetJsonAsync(node, key, $"/api/v1/imports/{id}?waitSeconds=5");
            if (status.GetProperty("status").GetString() is "done" or "failed")
            {
                status.GetProperty("status").GetString().ShouldBe("done", status.ToString());
                status.GetProperty("appended").GetInt32().ShouldBe(3, status.ToString());
                return;
            }
        }
        throw new TimeoutException($"import {id} did not finish");
    }

    /// <summary>Signs every database's head and a national checkpoint now (POST checkpoints), and returns the newest national checkpoint.</summary>
    private static async Task<JsonElement> NationalCheckpointAsync(ApiProcess node, string key)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var sign = new HttpRequestMessage(HttpMethod.Post, "/api/v1/ledger/checkpoints");
        sign.Headers.Add("X-Api-Key", key);
        using var signed = await http.SendAsync(sign);
        ((int)signed.StatusCode).ShouldBeOneOf([200, 201], await signed.Content.ReadAsStringAsync());
        return (await GetJsonAsync(node, key, "/api/v1/ledger/national-checkpoints")).GetProperty("checkpoints").EnumerateArray().Last();
    }

    private static Task<(int Exit, string Output)> ShardsCommandAsync(string catalogue, string file, string action) =>
        CommandAsync(catalogue, file, null, "shards", action);

    /// <summary>An operator command run in-process against the catalogue and the shards file, as <c>Ledger.Api.dll …</c> runs it.</summary>
    private static async Task<(int Exit, string Output)> CommandAsync(string catalogue, string file, string? keyFile, params string[] args)
    {
        var config = Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(
            new Microsoft.Extensions.Configuration.ConfigurationBuilder(), new Dictionary<string, string?>
        {
            ["LEDGER_DB"] = catalogue, ["LEDGER_SHARDS_FILE"] = file, ["LEDGER_CHECKPOINT_KEY_FILE"] = keyFile, ["LEDGER_LOG_KEY"] = LedgerApp.LogKeySeed,
        }).Build();
        var output = new StringWriter();
        var exit = await Ledger.Api.Commands.OperatorCommands.RunAsync(config, args, output);
        return (exit, output.ToString());
    }

    private static JsonObject Shard(string name, string connection, params string[] provinces) => new()
    {
        ["name"] = name, ["connection"] = connection, ["provinces"] = new JsonArray(provinces.Select(p => (JsonNode)p).ToArray()),
    };

    /// <summary>A province, one prefecture, one county (xx0102, or xx0101 for Beijing-style codes) and its parcels.</summary>
    private static JsonObject[] Province(string p, decimal area, int parcels)
    {
        var county = $"{p}0102";
        return
        [
            Region($"{p}0000", "province", "000000"), Region($"{p}0100", "prefecture", $"{p}0000"), Region(county, "county", $"{p}0100"),
            .. Enumerable.Range(1, parcels).Select(i => Parcel($"{county}-{i:000000}", area).With("regionCode", county)),
        ];
    }

    private static async Task<HttpResponseMessage> PostAsync(ApiProcess node, string key, JsonObject[] events)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
        {
            Content = new StringContent(new JsonObject { ["events"] = new JsonArray(events.Select(e => (JsonNode)e).ToArray()) }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", key);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task<JsonElement> GetJsonAsync(ApiProcess node, string key, string url)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>Stops both throwaway clusters and removes their folders, the key and the shards file.</summary>
    private static async Task CleanUpAsync(string root, EmbeddedPostgres a, EmbeddedPostgres b)
    {
        await a.StopAsync();
        await b.StopAsync();
        foreach (var dir in new[] { root + "-a", root + "-b" })
            try { Directory.Delete(dir, true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        File.Delete(ServiceFolder.KeyFile(root));
        File.Delete(root + "-shards.json");
    }

    /// <summary>The Web Mercator tile column and row holding a longitude and a latitude at a zoom.</summary>
    private static int TileX(double lon, int z) => (int)((lon + 180) / 360 * (1 << z));

    private static int TileY(double lat, int z)
    {
        var rad = lat * Math.PI / 180;
        return (int)((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * (1 << z));
    }

    /// <summary>Follows <c>next</c> from the first page to the last; the first page's body and every row of every page.</summary>
    private static async Task<(JsonElement First, List<JsonElement> Rows)> PagesAsync(ApiProcess node, string key, string url, string rows)
    {
        var first = await GetJsonAsync(node, key, url);
        var all = new List<JsonElement>();
        for (var page = first; ; page = await GetJsonAsync(node, key, $"{url}&after={page.GetProperty("next").GetInt64()}"))
        {
            all.AddRange(page.GetProperty(rows).EnumerateArray());
            if (page.GetProperty("next").ValueKind == JsonValueKind.Null) return (first, all);
            all.Count.ShouldBeLessThan(10_000, "paging must end");
        }
    }

    private static async Task<decimal> FarmlandClosingAsync(ApiProcess node, string key, string region)
    {
        var sheet = await GetJsonAsync(node, key, $"/api/v1/regions/{region}/balance-sheet?from=2021-01-01&to=2021-12-31");
        return sheet.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("account").GetString() == "farmland").GetProperty("closing").GetDecimal();
    }

    private static async Task CreateDatabaseAsync(EmbeddedPostgres pg, string name)
    {
        await ExecuteAsync(pg.ConnectionString(), $"create database {name}");
    }

    private static async Task ExecuteAsync(string connection, string sql)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> ProvincesInAsync(string connection)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select distinct left(region_code, 2) from ledger.event_index order by 1", conn);
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add(r.GetString(0));
        return list;
    }

    private static async Task<long> CountAsync(string connection, string sql)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<Dictionary<string, long>> CountsAsync(Dictionary<string, string> databases)
    {
        var counts = new Dictionary<string, long>();
        foreach (var (name, connection) in databases)
        {
            await using var conn = new NpgsqlConnection(connection);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("select count(*) from ledger.mt_events", conn);
            counts[name] = (long)(await cmd.ExecuteScalarAsync())!;
        }
        return counts;
    }
}
