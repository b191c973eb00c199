using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Ledger.Tests.Support;
using NodaTime;
using NodaTime.Text;
using Shouldly;
using static Ledger.Tests.Regions.SheetReading;

namespace Ledger.Tests.Regions;

/// <summary>
/// Over random histories with random successions, as known at random instants: every sheet
/// balances, the counties in use sum to their prefecture and the prefectures to the province,
/// the nation equals the plain sum of the flows, and a successor opens on the succession's date
/// with what its predecessor closed the day before.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class SuccessionPropertyTests(LedgerApp app)
{
    private static readonly string[] Stocks = ["farmland", "permanentBasicFarmland"];

    private static readonly Gen<(int Parcels, RandomLineage.Op[] Ops, RandomLineage.Change[] Changes, bool Late, int FromDay, int Span, int Known)> Histories =
        Gen.Select(Gen.Int[1, 6],
            Gen.Select(Gen.Int[0, 5], Gen.Int[0, 2], Gen.Int[1, 60], Gen.Int[0, 3000], (p, k, pct, d) => new RandomLineage.Op(p, k, pct, d)).Array[0, 25],
            Gen.Select(Gen.Int[0, 6], Gen.Int[0, 6], Gen.Int[0, 2000], Gen.Int[0, 3], (f, t, d, r) => new RandomLineage.Change(f, t, d, r)).Array[0, 3],
            Gen.Bool, Gen.Int[0, 2500], Gen.Int[0, 1500], Gen.Int[0, 2],
            (parcels, ops, changes, late, fromDay, span, known) => (parcels, ops, changes, late, fromDay, span, known));

    [Fact]
    public async Task every_identity_holds_at_every_level_through_successions()
    {
        await Histories.SampleAsync(async h =>
        {
            await app.ResetAsync();
            var writer = await app.KeyAsync("writer");
            var reader = await app.KeyAsync("investigator");
            var history = RandomLineage.Build(h.Parcels, h.Ops, h.Changes, h.Late);
            var knownAts = new List<Instant>();
            foreach (var batch in new[] { history.Before }.Concat(history.Successions.Select(s => new[] { s })).Append(history.After))
            {
                if (batch.Length == 0) continue;
                var posted = await app.PostEventsAsync(writer, batch);
                posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
                if (batch == history.Before || batch == history.After) knownAts.Add(app.Clock.GetCurrentInstant());
                app.Clock.Advance(Duration.FromDays(3));
            }
            knownAts.Add(app.Clock.GetCurrentInstant());
            var knownAt = knownAts[Math.Min(h.Known, knownAts.Count - 1)];
            var from = new DateOnly(2019, 1, 1).AddDays(h.FromDay);
            var to = from.AddDays(h.Span);

            var sheets = new Dictionary<string, JsonElement>();
            foreach (var region in RandomLineage.Regions.Append("000000"))
                sheets[region] = await Get(reader, $"/api/v1/regions/{region}/balance-sheet?{Query(from, to, knownAt)}");
            var inUse = RandomLineage.Counties.Where(c => !history.Applied.Any(a => a.Predecessor == c && Retired(a, to, knownAt, knownAts))).ToList();

            foreach (var account in Stocks)
            {
                foreach (var (region, sheet) in sheets)
                {
                    var a = AccountOf(sheet, account);
                    (a.Opening + a.Additions.Values.Sum() - a.Reductions.Values.Sum()).ShouldBe(a.Closing, $"{region} {account} balances");
                }
                decimal C(string r) => AccountOf(sheets[r], account).Closing;
                C("410100").ShouldBe(inUse.Where(c => c.StartsWith("4101")).Sum(C), $"{account}: counties in use sum to 410100");
                C("410200").ShouldBe(inUse.Where(c => c.StartsWith("4102")).Sum(C), $"{account}: counties in use sum to 410200");
                C("410000").ShouldBe(C("410100") + C("410200"), account);
                C("000000").ShouldBe(await Plain(account, to, knownAt), $"{account}: the nation is the plain sum of the flows");
                AccountOf(sheets["410000"], account).Additions.Keys.ShouldNotContain("region-transfer", "no transfer leaves the province");
            }

            foreach (var s in history.Applied)
            {
                var dayBefore = LocalDatePattern.Iso.Parse(s.Date).Value.PlusDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                async Task<decimal> ClosingBefore(string region) =>
                    AccountOf(await Get(reader, $"/api/v1/regions/{region}/balance-sheet?from={dayBefore}&to={dayBefore}"), "farmland").Closing;
                var opening = AccountOf(await Get(reader, $"/api/v1/regions/{s.Successor}/balance-sheet?from={s.Date}&to={s.Date}"), "farmland").Opening;
                var held = await ClosingBefore(s.Successor);
                foreach (var p in history.Applied.Where(a => a.Successor == s.Successor && a.Date == s.Date)) held += await ClosingBefore(p.Predecessor);
                opening.ShouldBe(held, $"{s.Successor} opens on {s.Date} with what it and its predecessors held the day before");
            }
        }, iter: 10, threads: 1);
    }

    /// <summary>A succession counts as done at <paramref name="to"/> when effective by then and recorded by knownAt (successions are posted between the two deliveries).</summary>
    private static bool Retired(RandomLineage.Succession s, DateOnly to, Instant knownAt, List<Instant> knownAts) =>
        DateOnly.Parse(s.Date, CultureInfo.InvariantCulture) <= to && knownAt > knownAts[0];

    private static string Query(DateOnly from, DateOnly to, Instant knownAt) =>
        $"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&knownAt={InstantPattern.ExtendedIso.Format(knownAt)}";

    private async Task<decimal> Plain(string account, DateOnly to, Instant knownAt)
    {
        await using var conn = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            "select coalesce(sum(amount), 0) from ledger.flows where account = @a and effective_date <= @to and recorded_at <= @known", conn);
        cmd.Parameters.AddWithValue("a", account);
        cmd.Parameters.AddWithValue("to", to);
        cmd.Parameters.AddWithValue("known", knownAt.ToDateTimeUtc());
        return (decimal)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<JsonElement> Get(string key, string url)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, key);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
