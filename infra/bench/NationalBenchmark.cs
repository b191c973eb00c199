using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Audit.BalanceSheets;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// Issue 12: 31 synthetic provinces over <c>shards</c> databases (one cluster: this machine has
/// two cores, so more clusters would only share them) against the same load on one database, in
/// one run: ingest rate (4 clients, each posting whole provinces), then the nation's and a
/// province's sheet latency and verify on the sharded ledger.
/// </summary>
internal static class NationalBenchmark
{
    /// <summary>The 31 province-level codes of the mainland (GB/T 2260).</summary>
    private static readonly string[] Provinces =
    [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    ];

    private const int CountiesPerProvince = 10;
    private const int Clients = 4;
    private const int BatchSize = 500;

    /// <param name="Compare">false skips the one-database run (its ingest rate is the comparison; the sheets and verify are the shards').</param>
    /// <param name="LandUse">Every other province's parcels change class too (see <see cref="Parcels"/>): contract 1.8's accounts at scale.</param>
    /// <param name="Halfway">false skips the sheets known halfway through the load (at 10 M, each of them corrects 5 M rows).</param>
    /// <param name="Verify">false skips verify (at 10 M, many minutes).</param>
    /// <param name="Settle">The periodic derived check runs at start only, and the sheets wait until the database is quiet
    /// (no autovacuum, no other statement) after the load: the code's latency apart from the machine's housekeeping.</param>
    public sealed record Options(int Events, int Shards, int SheetRuns, bool Compare = true, bool LandUse = false, bool Halfway = true,
        bool Verify = true, bool Settle = false);

    public static async Task RunAsync(Options o)
    {
        Console.WriteLine($"National simulation: {Provinces.Length} provinces, {o.Events:N0} events, {o.Shards} shard(s){(o.Compare ? " against one database" : "")}" +
                          $"{(o.LandUse ? ", with land-use traffic" : "")}{(o.Settle ? ", sheets timed once the database is quiet" : "")}.");
        var sharded = await RunOnceAsync(o, o.Shards, o.SheetRuns);
        if (!o.Compare)
        {
            Console.WriteLine($"{o.Shards} shards: {o.Events:N0} events in {sharded.Seconds:F1} s = {o.Events / sharded.Seconds:N0} events/s");
            foreach (var line in sharded.Lines) Console.WriteLine(line);
            return;
        }
        var single = await RunOnceAsync(o, 0, 0);
        Console.WriteLine();
        Console.WriteLine("| topology | events | seconds | events/s |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        Console.WriteLine($"| {o.Shards} shards (+ catalogue) | {o.Events:N0} | {sharded.Seconds:F1} | {o.Events / sharded.Seconds:N0} |");
        Console.WriteLine($"| one database | {o.Events:N0} | {single.Seconds:F1} | {o.Events / single.Seconds:N0} |");
        Console.WriteLine($"ingest, shards / one database: {single.Seconds / sharded.Seconds:F2}×");
        foreach (var line in sharded.Lines) Console.WriteLine(line);
    }

    private sealed record Outcome(double Seconds, List<string> Lines);

    private static async Task<Outcome> RunOnceAsync(Options o, int shards, int sheetRuns)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ledger-national-{Environment.ProcessId}-{shards}");
        await using var pg = await EmbeddedPostgres.StartAsync(dir, durable: true, Console.WriteLine);
        var environment = new Dictionary<string, string>();
        var owner = new Dictionary<string, string>();
        if (shards > 0)
        {
            var list = new JsonArray();
            for (var s = 1; s <= shards; s++)
            {
                await ExecuteAsync(pg.ConnectionString(), $"create database shard_{s}");
                owner[$"s{s}"] = pg.ConnectionString($"shard_{s}");
                list.Add(new JsonObject
                {
                    ["name"] = $"s{s}", ["connection"] = pg.ConnectionString($"shard_{s}"),
                    ["provinces"] = new JsonArray(Provinces.Where((_, i) => i % shards == s - 1).Select(p => (JsonNode)p).ToArray()),
                });
            }
            var file = dir + "-shards.json";
            await File.WriteAllTextAsync(file, new JsonObject { ["shards"] = list }.ToJsonString());
            environment["LEDGER_SHARDS_FILE"] = file;
        }
        if (o.Settle) environment["LEDGER_DERIVED_CHECK_MINUTES"] = "0";
        // Timed reads one after another outrun the per-key limit (50 a second) once a sheet takes under 20 ms.
        environment["LEDGER_RATE_LIMIT"] = "100000";
        var port = IngestBenchmark.FreePort();
        using var api = IngestBenchmark.StartApi(IngestBenchmark.FindRoot(), pg.ConnectionString(), port, telemetry: false, IngestBenchmark.FreePort(), environment);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients * 2 })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(10),
            };
            await IngestBenchmark.WaitForHealth(http);
            var writer = await IngestBenchmark.IssueKeyAsync(http, "national-writer", "writer");
            foreach (var p in Provinces) await IngestBenchmark.PostAsync(http, writer, IngestBenchmark.Body(Regions(p)));

            // Client c posts the provinces c, c+4, … whole: every batch lies in one province, hence one database.
            var perClient = Enumerable.Range(0, Clients).Select(c => Provinces.Where((_, i) => i % Clients == c)
                .SelectMany(p => Parcels(p, o.Events / Provinces.Length, o.LandUse)).Chunk(BatchSize).Select(IngestBenchmark.Body).ToList()).ToList();
            var total = perClient.Sum(b => b.Count) * BatchSize;
            Console.WriteLine($"{(shards > 0 ? $"{shards} shards" : "one database")}: ingesting {total:N0} events ...");
            var clock = Stopwatch.StartNew();
            var posted = 0;
            var halfway = DateTimeOffset.MinValue;
            await Task.WhenAll(perClient.Select(batches => Task.Run(async () =>
            {
                foreach (var body in batches)
                {
                    await IngestBenchmark.PostAsync(http, writer, body);
                    if (Interlocked.Increment(ref posted) == total / BatchSize / 2) halfway = DateTimeOffset.UtcNow;
                }
            })));
            var seconds = clock.Elapsed.TotalSeconds;
            // A running ledger's statistics are kept fresh by autovacuum (every minute); the sheets are
            // measured right after a load that outran it, so analyze as it would have.
            foreach (var conn in owner.Values.Append(pg.ConnectionString())) await ExecuteAsync(conn, "analyze");
            if (o.Settle) await SettleAsync(pg.ConnectionString());
            var lines = new List<string>();
            // Each figure is printed as it is measured, and a request that fails is reported and the
            // rest go on: a 10 M run is half an hour, and one failure must not take the others with it.
            async Task Measure(Func<Task<List<string>>> measure)
            {
                try
                {
                    foreach (var line in await measure()) { Console.WriteLine(line); lines.Add(line); }
                }
                catch (InvalidOperationException e)
                {
                    var line = $"FAILED: {e.Message}";
                    Console.WriteLine(line);
                    lines.Add(line);
                }
            }
            if (sheetRuns > 0)
            {
                var auditor = await IngestBenchmark.IssueKeyAsync(http, "national-auditor", "auditor");
                var investigator = await IngestBenchmark.IssueKeyAsync(http, "national-investigator", "investigator");
                Console.WriteLine($"{(shards > 0 ? $"{shards} shards" : "one database")}: {total:N0} events in {seconds:F1} s = {total / seconds:N0} events/s");
                await Measure(async () =>
                {
                    var sheets = await SheetsAsync(http, auditor, sheetRuns, "known now (the totals of every quarter)", "");
                    if (!o.LandUse) return sheets;
                    sheets.AddRange(await SheetsAsync(http, auditor, sheetRuns, "known now, landUseLevel=2", "&landUseLevel=2"));
                    return sheets;
                });
                if (o.LandUse)
                {
                    await Measure(() => TimedAsync(http, auditor, sheetRuns, "transitions, province 410000, 2021, level 2",
                        "/api/v1/regions/410000/land-use/transitions?from=2021-01-01&to=2021-12-31&level=2"));
                    await Measure(() => TimedAsync(http, auditor, sheetRuns, "transitions, nation 000000, 2021, level 1",
                        "/api/v1/regions/000000/land-use/transitions?from=2021-01-01&to=2021-12-31"));
                }
                // Where a province's sheet spends its time: every statement's plan, in the province's own database.
                var holder = shards > 0 ? $"shard_{Array.IndexOf(Provinces, "41") % shards + 1}" : "ledger";
                await Explained.RunAsync(pg, "one 410000 sheet", db => new SheetQuery(db).BalanceSheetAsync(new SheetRequest("410000",
                    new LocalDate(2021, 1, 1), new LocalDate(2021, 12, 31), SystemClock.Instance.GetCurrentInstant()), CancellationToken.None), holder, minMs: 0);
                if (o.Halfway)
                {
                    // An investigator's question: as known halfway through the load, so half the rows are taken away from the totals.
                    var knownAt = $"&knownAt={halfway:yyyy-MM-ddTHH:mm:ss.fffZ}";
                    await Measure(() => SheetsAsync(http, auditor, sheetRuns, "known halfway through the load (totals less the later half of the rows)", knownAt));
                    await Explained.RunAsync(pg, "one 410000 sheet known halfway", db => new SheetQuery(db).BalanceSheetAsync(new SheetRequest("410000",
                        new LocalDate(2021, 1, 1), new LocalDate(2021, 12, 31), Instant.FromDateTimeOffset(halfway)), CancellationToken.None), holder, minMs: 0);
                }
                if (o.Verify)
                    await Measure(async () =>
                    {
                        var v = Stopwatch.StartNew();
                        var verified = JsonDocument.Parse(await GetAsync(http, investigator, "/api/v1/ledger/verify")).RootElement;
                        var checkedEvents = verified.GetProperty("eventsChecked").GetInt64();
                        List<string> result = [$"verify (every database in parallel): {checkedEvents:N0} events in {v.Elapsed.TotalSeconds:F1} s = " +
                                               $"{checkedEvents / v.Elapsed.TotalSeconds:N0} events/s, ok = {verified.GetProperty("ok").GetBoolean()}"];
                        foreach (var (name, conn) in owner) result.Add($"  database {name}: {await CountAsync(conn):N0} events");
                        return result;
                    });
            }
            return new Outcome(seconds, lines);
        }
        finally
        {
            api.Kill(entireProcessTree: true);
            await api.WaitForExitAsync();
            await pg.StopAsync();
            try { Directory.Delete(dir, true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// p50/p95 of the nation's and two provinces' sheets for 2021, after three untimed requests each: 410000 (with land-use
    /// traffic under <c>--landuse 1</c>) and 110000 (farmland only in every run: issue 28 asks that such sheets keep their figures).
    /// </summary>
    private static async Task<List<string>> SheetsAsync(HttpClient http, string auditor, int runs, string label, string knownAt)
    {
        var lines = new List<string>();
        foreach (var (what, region) in new[] { ("nation 000000", "000000"), ("province 410000", "410000"), ("province 110000 (farmland only)", "110000") })
        {
            var times = new List<double>();
            for (var i = 0; i < runs + 3; i++)
            {
                var t = Stopwatch.StartNew();
                await GetAsync(http, auditor, $"/api/v1/regions/{region}/balance-sheet?from=2021-01-01&to=2021-12-31{knownAt}");
                if (i >= 3) times.Add(t.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            lines.Add($"sheet {what}, {label}: p50 {times[times.Count / 2]:F0} ms, p95 {times[(int)(times.Count * 0.95)]:F0} ms over {times.Count} requests");
        }
        return lines;
    }

    private static async Task<List<string>> TimedAsync(HttpClient http, string key, int runs, string what, string url)
    {
        var times = new List<double>();
        for (var i = 0; i < runs + 3; i++)
        {
            var t = Stopwatch.StartNew();
            await GetAsync(http, key, url);
            if (i >= 3) times.Add(t.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return [$"{what}: p50 {times[times.Count / 2]:F0} ms, p95 {times[(int)(times.Count * 0.95)]:F0} ms over {times.Count} requests"];
    }

    private static JsonObject[] Regions(string p) =>
    [
        Event("region.registered", $"{p}0000", $"{p}0000", "2020-01-01", new JsonObject { ["name"] = $"省{p}", ["level"] = "province", ["parentCode"] = "000000" }),
        Event("region.registered", $"{p}0100", $"{p}0100", "2020-01-01", new JsonObject { ["name"] = $"市{p}", ["level"] = "prefecture", ["parentCode"] = $"{p}0000" }),
        .. Enumerable.Range(1, CountiesPerProvince).Select(c => Event("region.registered", County(p, c), County(p, c), "2020-01-01",
            new JsonObject { ["name"] = $"县{p}{c:00}", ["level"] = "county", ["parentCode"] = $"{p}0100" })),
    ];

    private static string County(string p, int c) => $"{p}01{c:00}";

    /// <summary>
    /// A province's share: parcels registered, then occupied and supplemented in turn (ten events
    /// each). With <see cref="LandUse"/>, in every other province a quarter of the parcels are
    /// land-use parcels (reclassified, with restoration pairs) and a quarter of the farmland
    /// parcels are converted to other agricultural classes instead of occupied. Every parcel is
    /// exactly ten events, so 500-event batches never split a restoration pair.
    /// </summary>
    private static IEnumerable<JsonObject> Parcels(string p, int events, bool withLandUse)
    {
        var landUse = withLandUse && Array.IndexOf(Provinces, p) % 2 == 1; // 41, whose sheet is timed, among them
        for (var n = 0; n < events / Workload.EventsPerParcel; n++)
        {
            var county = County(p, n % CountiesPerProvince + 1);
            var key = $"{county}-{n:0000000}";
            if (landUse && n % 4 == 0)
            {
                foreach (var e in LandParcel(key, county, n)) yield return e;
                continue;
            }
            yield return Event("farmland.parcel-registered", key, county, "2020-01-01", new JsonObject
            {
                ["areaHa"] = 1000m, ["landType"] = "dry", ["qualityGrade"] = 5, ["permanentBasic"] = false, ["origin"] = "baseline",
            });
            for (var i = 1; i < Workload.EventsPerParcel; i++)
                yield return i % 2 == 1 && landUse && n % 4 == 1
                    ? Event("farmland.converted", key, county, $"2021-{i:00}-10", new JsonObject
                    {
                        ["areaHa"] = 1.25m, ["to"] = "other-agriculture", ["toClass"] = ToClasses[(n + i) % ToClasses.Length],
                    })
                    : i % 2 == 1
                    ? Event("farmland.occupied", key, county, $"2021-{i:00}-10", new JsonObject
                    {
                        ["areaHa"] = 1.25m, ["purpose"] = "construction", ["legal"] = true, ["approvalRef"] = $"批〔2021〕{i}号",
                    })
                    : Event("farmland.supplemented", key, county, $"2021-{i:00}-20", new JsonObject { ["areaHa"] = 1.25m, ["method"] = "consolidation" });
        }
    }

    private static readonly string[] LandClasses = ["0301", "0401", "0201", "1104", "0702", "1101"];
    private static readonly string[] ToClasses = ["0201", "0301", "0404", "1104", "0601", "1202"];

    /// <summary>Ten events: registered, five reclassifications and two restoration pairs (reclassified to 0102 and the restored farmland).</summary>
    private static IEnumerable<JsonObject> LandParcel(string key, string county, int n)
    {
        var own = LandClasses[n / 4 % LandClasses.Length];
        yield return Event("landuse.parcel-registered", key, county, "2020-01-01", new JsonObject
            { ["areaHa"] = 1000m, ["landClass"] = own, ["origin"] = "baseline" });
        for (var i = 1; i <= 7; i++)
        {
            var date = $"2021-{i:00}-15";
            if (i % 3 != 0)
            {
                yield return Event("landuse.reclassified", key, county, date, new JsonObject
                    { ["areaHa"] = 1.25m, ["toClass"] = ToClasses.Where(c => c != own).ElementAt((n + i) % (ToClasses.Length - 1)), ["cause"] = "other", ["legal"] = false });
                continue;
            }
            var reclassified = Event("landuse.reclassified", key, county, date, new JsonObject
                { ["areaHa"] = 1.25m, ["toClass"] = "0102", ["cause"] = "farmland-restoration", ["legal"] = true, ["approvalRef"] = $"复垦〔2021〕{i}号" });
            yield return reclassified;
            yield return Event("farmland.parcel-registered", $"{key}-R{i}", county, date, new JsonObject
            {
                ["areaHa"] = 1.25m, ["landType"] = "irrigated", ["qualityGrade"] = 6, ["permanentBasic"] = false, ["origin"] = "restored",
                ["restoredFromEventId"] = reclassified["eventId"]!.GetValue<string>(),
            });
        }
    }

    /// <summary>
    /// Waits until no other statement runs on the cluster for ten seconds in a row (autovacuum
    /// catching up on the load, the derived check), at most 30 minutes, and says how long it waited.
    /// </summary>
    private static async Task SettleAsync(string connection)
    {
        var clock = Stopwatch.StartNew();
        var quietSince = Stopwatch.StartNew();
        while (quietSince.Elapsed < TimeSpan.FromSeconds(10) && clock.Elapsed < TimeSpan.FromMinutes(30))
        {
            await using var conn = new NpgsqlConnection(connection);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "select count(*) from pg_stat_activity where state = 'active' and pid <> pg_backend_pid() and backend_type in ('client backend', 'autovacuum worker')", conn);
            if ((long)(await cmd.ExecuteScalarAsync())! > 0) quietSince.Restart();
            await Task.Delay(1000);
        }
        Console.WriteLine($"settled: waited {clock.Elapsed.TotalSeconds:F0} s for the database to be quiet");
    }

    private static JsonObject Event(string type, string stream, string region, string date, JsonObject data) => new()
    {
        ["eventId"] = Guid.NewGuid().ToString(), ["type"] = type, ["stream"] = stream, ["regionCode"] = region, ["effectiveDate"] = date, ["data"] = data,
    };

    private static async Task<string> GetAsync(HttpClient http, string key, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {body}");
        return body;
    }

    private static async Task ExecuteAsync(string connection, string sql)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(string connection)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select count(*) from ledger.mt_events", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
