using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CsCheck;
using Ledger.Tests.Support;
using Shouldly;

namespace Ledger.Tests.BalanceSheets;

/// <summary>Over random valid histories: the identity, the roll-ups, the annual chain, and agreement with a replay of the raw events.</summary>
[Collection(LedgerCollection.Name)]
public sealed class BalanceSheetPropertyTests(LedgerApp app)
{
    private static readonly string[] Stocks = ["farmland", "permanentBasicFarmland", "redLine", "miningOccupied", "miningDamagedUnreclaimed"];

    private static readonly Gen<(int Parcels, RandomHistory.Op[] Ops, int FromDay, int Span, int Gap, int KnownChunk)> Histories =
        Gen.Select(Gen.Int[1, 6],
            Gen.Select(Gen.Int[0, 5], Gen.Int[0, 5], Gen.Int[1, 100], Gen.Int[0, 3000], (p, k, pct, d) => new RandomHistory.Op(p, k, pct, d)).Array[0, 30],
            Gen.Int[0, 2500], Gen.Int[0, 900], Gen.Int[1, 80], Gen.Int[0, 3],
            (parcels, ops, fromDay, span, gap, known) => (parcels, ops, fromDay, span, gap, known));

    [Fact]
    public async Task sheets_balance_roll_up_chain_and_agree_with_replay()
    {
        await Histories.SampleAsync(async h =>
        {
            await app.ResetAsync();
            var writer = await app.KeyAsync("writer");
            var auditor = await app.KeyAsync("investigator");
            var (events, parcels) = RandomHistory.Build(h.Parcels, h.Ops);
            // Three deliveries, days apart (often months), so sheets read both the yearly totals and the rows.
            var knownAts = new List<NodaTime.Instant>();
            var setup = RandomHistory.SetupCount + h.Parcels;
            foreach (var chunk in new[] { events[..setup], events[setup..(setup + (events.Length - setup) / 2)], events[(setup + (events.Length - setup) / 2)..] })
            {
                if (chunk.Length > 0)
                {
                    var posted = await app.PostEventsAsync(writer, chunk);
                    posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
                }
                knownAts.Add(app.Clock.GetCurrentInstant());
                app.Clock.Advance(NodaTime.Duration.FromDays(h.Gap));
            }
            knownAts.Add(app.Clock.GetCurrentInstant());
            var knownAt = knownAts[h.KnownChunk];

            var from = new DateOnly(2019, 1, 1).AddDays(h.FromDay);
            var to = from.AddDays(h.Span);
            var query = $"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&knownAt={NodaTime.Text.InstantPattern.ExtendedIso.Format(knownAt)}";
            var sheets = new Dictionary<string, JsonElement>();
            foreach (var region in new[] { "410102", "410103", "410201", "410100", "410200", "410000", "000000" })
                sheets[region] = await Get(auditor, $"/api/v1/regions/{region}/balance-sheet?{query}");

            foreach (var (region, sheet) in sheets)
            foreach (var account in Stocks)
            {
                var a = Account(sheet, account);
                (a.Opening + a.Added - a.Reduced).ShouldBe(a.Closing, $"{region} {account}: opening + additions - reductions = closing");
            }
            foreach (var account in Stocks)
            {
                decimal C(string r) => Account(sheets[r], account).Closing;
                C("410100").ShouldBe(C("410102") + C("410103"), account);
                C("410200").ShouldBe(C("410201"), account);
                C("410000").ShouldBe(C("410100") + C("410200"), account);
                C("000000").ShouldBe(C("410000"), account);
            }

            foreach (var account in Stocks)
                Account(sheets["000000"], account).ShouldBe(await Reference(account, from, to, knownAt), $"{account} against the plain sum of the rows");

            // Land-quota use reads whole years from the totals too: it must equal the plain sum of the occupation rows.
            foreach (var (region, sheet) in sheets)
            foreach (var year in sheet.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("account").GetString() == "landQuota").GetProperty("years").EnumerateArray())
            {
                var y = year.GetProperty("year").GetInt32();
                (year.GetProperty("used").GetDecimal(), year.GetProperty("illegal").GetDecimal())
                    .ShouldBe(await OccupationReference(region, y, to, knownAt), $"{region} {y}: land-quota use against the plain sum of the rows");
            }

            var replayed = 0m;
            foreach (var key in parcels)
            {
                var response = await app.SendAsync(HttpMethod.Get,
                    $"/api/v1/streams/farmland/{key}?asOf={to:yyyy-MM-dd}&knownAt={NodaTime.Text.InstantPattern.ExtendedIso.Format(knownAt)}", auditor);
                if (response.StatusCode == HttpStatusCode.OK)
                    replayed += (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetProperty("areaHa").GetDecimal();
            }
            Account(sheets["000000"], "farmland").Closing.ShouldBe(replayed, "the sheet's farmland equals the replayed parcels' area");

            var series = (await Get(auditor, $"/api/v1/regions/410000/balance-sheet/annual?fromYear=2019&toYear=2025&knownAt={NodaTime.Text.InstantPattern.ExtendedIso.Format(knownAt)}")).GetProperty("sheets").EnumerateArray().ToList();
            foreach (var account in Stocks)
                for (var i = 1; i < series.Count; i++)
                    Account(series[i], account).Opening.ShouldBe(Account(series[i - 1], account).Closing, $"{account} chained into {2019 + i}");
        }, iter: 12, threads: 1);
    }

    /// <summary>The sheet figures as a plain sum over every flow row: the oracle for the totals-based query.</summary>
    private async Task<(decimal, decimal, decimal, decimal)> Reference(string account, DateOnly from, DateOnly to, NodaTime.Instant knownAt)
    {
        await using var conn = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("""
            select coalesce(sum(amount) filter (where effective_date < @from), 0),
                   coalesce(sum(amount) filter (where effective_date >= @from and amount > 0), 0),
                   coalesce(sum(-amount) filter (where effective_date >= @from and amount < 0), 0)
            from ledger.flows where account = @account and effective_date <= @to and recorded_at <= @known
            """, conn);
        cmd.Parameters.AddWithValue("account", account);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        cmd.Parameters.AddWithValue("known", knownAt.ToDateTimeUtc());
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        var (opening, added, reduced) = (r.GetDecimal(0), r.GetDecimal(1), r.GetDecimal(2));
        return (opening, added, reduced, opening + added - reduced);
    }

    /// <summary>Farmland occupied with and without approval in a region and year, up to the sheet's end: the oracle for the land-quota reads.</summary>
    private async Task<(decimal, decimal)> OccupationReference(string region, int year, DateOnly to, NodaTime.Instant knownAt)
    {
        await using var conn = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("""
            select coalesce(sum(-amount) filter (where cause like '%-legal'), 0), coalesce(sum(-amount) filter (where cause like '%-illegal'), 0)
            from ledger.flows where account = 'farmland' and cause like 'occupation-%' and (@region = '000000' or region_code like @prefix)
              and extract(year from effective_date) = @year and effective_date <= @to and recorded_at <= @known
            """, conn);
        cmd.Parameters.AddWithValue("region", region);
        cmd.Parameters.AddWithValue("prefix", Ledger.Regions.RegionCodes.Prefix(region) + "%");
        cmd.Parameters.AddWithValue("year", year);
        cmd.Parameters.AddWithValue("to", to);
        cmd.Parameters.AddWithValue("known", knownAt.ToDateTimeUtc());
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetDecimal(0), r.GetDecimal(1));
    }

    private async Task<JsonElement> Get(string key, string url)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, key);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static (decimal Opening, decimal Added, decimal Reduced, decimal Closing) Account(JsonElement sheet, string account)
    {
        var a = sheet.GetProperty("accounts").EnumerateArray().Single(x => x.GetProperty("account").GetString() == account);
        return (a.GetProperty("opening").GetDecimal(), a.GetProperty("additions").EnumerateArray().Sum(c => c.GetProperty("amount").GetDecimal()),
            a.GetProperty("reductions").EnumerateArray().Sum(c => c.GetProperty("amount").GetDecimal()), a.GetProperty("closing").GetDecimal());
    }
}
