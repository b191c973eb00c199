using Ledger.Flows;
using Ledger.Regions;
using Ledger.Spatial;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Audit.BalanceSheets;

/// <summary>
/// The overlaps the ledger found that are open at a sheet's end, as liabilities of the protected
/// account: red-line overlaps on <c>redLine</c>, permanent-basic overlaps on
/// <c>permanentBasicFarmland</c>. An overlap belongs to the region of its protected party, so
/// county liabilities add up to the province's.
/// </summary>
/// <remarks>
/// Open on the sheet's end date D, as known at K: the overlap was recorded by K, is effective by
/// D, its protection is still the version in force on D (a boundary redrawn away closes it) and,
/// for a licence, the licence's version in force on D is the one that made it (a closed mine
/// closes it). Left out, because another liability or the stock already counts them: a red-line
/// encroachment the region reported itself (<c>redLineEncroachmentsOpen</c>), and an occupation
/// recorded on the permanent basic parcel's own stream (it already reduced the stock).
/// </remarks>
public static class OverlapLiabilities
{
    public const string RedLineKind = "redLineOverlapsOpen";
    public const string PermanentBasicKind = "permanentBasicOverlapsOpen";

    /// <summary>A footprint the region reported itself as a red-line encroachment.</summary>
    public const string EncroachmentReport = "redline.encroachment-detected";

    public sealed record OpenOverlap(Guid Id, string Kind, string Layer, decimal AreaHa);

    public static async Task<IReadOnlyList<OpenOverlap>> ReadAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SheetRequest r, RegionScope scope,
        CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        var within = ScopeSql.Within(scope, "p.region_code", "o");
        var parts = ScopeSql.PartsFilter(scope, "op", "p.");
        await using var cmd = new NpgsqlCommand($"""
            select o.id, o.kind, o.layer, o.area_ha
            from {s}.{GeoTables.Overlaps} o
            join {s}.{GeoTables.Versions} f on f.seq = o.footprint_seq and f.layer = o.footprint_layer
            join {s}.{GeoTables.Versions} p on p.seq = o.protected_seq and p.layer = o.layer
            where o.recorded_at <= @known and o.effective_date <= @to and ({within.Sql} or {parts.Sql})
              and f.type <> '{EncroachmentReport}'
              and not (o.layer = '{Layers.PermanentBasic}' and f.stream_id = p.stream_id)
              and {OverlapQuery.InForceOn("@to", "p", "@known")}
              and (f.layer <> '{Layers.Mining}' or {OverlapQuery.InForceOn("@to", "f", "@known")})
            order by o.effective_date, o.seq, o.id
            """, conn, tx);
        within.Bind(cmd);
        parts.Bind(cmd);
        cmd.Parameters.AddWithValue("to", r.To.ToDateOnly());
        cmd.Parameters.AddWithValue("known", r.KnownAt.ToDateTimeUtc());
        var list = new List<OpenOverlap>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new OpenOverlap(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetDecimal(3)));
        return list;
    }

    /// <summary>The sheet with each protected account's open overlaps added to its liabilities (one liability per layer, when any).</summary>
    public static BalanceSheet Add(BalanceSheet sheet, IReadOnlyList<OpenOverlap> open)
    {
        if (open.Count == 0) return sheet;
        var stocks = sheet.Stocks.Select(a => (a.Account, Layer: LayerOf(a.Account)) switch
        {
            (_, { } layer) when open.Any(o => o.Layer == layer) => a with { Liabilities = [.. a.Liabilities, Liability(layer, open, sheet)] },
            _ => a,
        }).ToList();
        return sheet with { Stocks = stocks };
    }

    private static string? LayerOf(string account) => account switch
    {
        Accounts.RedLine => Layers.RedLine,
        Accounts.PermanentBasicFarmland => Layers.PermanentBasic,
        _ => null,
    };

    private static Liability Liability(string layer, IReadOnlyList<OpenOverlap> open, BalanceSheet sheet)
    {
        var ofLayer = open.Where(o => o.Layer == layer).ToList();
        var kinds = string.Join(", ", ofLayer.GroupBy(o => o.Kind).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count()} {g.Key}"));
        return new Liability(layer == Layers.RedLine ? RedLineKind : PermanentBasicKind, Ledger.Events.Quantities.Normalize(ofLayer.Sum(o => o.AreaHa)),
            $"{ofLayer.Count} overlap(s) found by the ledger and open on {sheet.To:yyyy-MM-dd} ({kinds}); list: /regions/{sheet.Region}/overlaps?to={sheet.To:yyyy-MM-dd}");
    }
}
