using Ledger.Flows;
using Ledger.Regions;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Investigations;

/// <param name="Year">For the yearly accounts (<c>waterQuota</c>, <c>waterUse</c>, the land-quota ones): the year whose quota or use the figure is.</param>
/// <param name="Classes">For the landUse account: the 三调 classes (a 一级类 expanded to its classes) whose figure it is.</param>
/// <param name="Others">For the landUse account: the classes on the other side (a transition's destination), or null for any.</param>
public sealed record ProvenanceQuery(string Region, string Account, string? Cause, string Part, LocalDate From, LocalDate To, Instant KnownAt,
    long After, int Limit, int? Year = null, string[]? Classes = null, string[]? Others = null);

public sealed record ProvenanceFlow(long Sequence, Guid EventId, string Stream, string RegionCode, string Cause, string Nature,
    LocalDate EffectiveDate, Instant RecordedAt, decimal Amount);

/// <summary>
/// From a balance-sheet figure to the flows (and so the events) that make it up: the same
/// selection as the sheet's arithmetic, so the flows' amounts sum exactly to the figure.
/// </summary>
public static class Provenance
{
    public static readonly string[] Parts = ["opening", "additions", "reductions", "closing"];
    public static readonly string[] WaterAccounts = [Accounts.WaterQuota, Accounts.WaterUse];
    /// <summary>Accounts whose figures are one year's (water, land quotas): a query names the year.</summary>
    public static readonly string[] YearAccounts = [.. WaterAccounts, .. LandQuotaProvenance.Accounts];

    public static async Task<(IReadOnlyList<ProvenanceFlow> Flows, decimal Total, long Count)> FindAsync(NpgsqlDataSource db, ProvenanceQuery q,
        CancellationToken ct)
    {
        var prefix = RegionCodes.Prefix(q.Region);
        var part = q.Part switch
        {
            "opening" => "effective_date < @from",
            "additions" => "effective_date >= @from and amount > 0",
            "reductions" => "effective_date >= @from and amount < 0",
            _ => "true",
        };
        // Reductions are shown as positive amounts in the sheet.
        var sign = q.Part == "reductions" ? "-" : "";
        // A water figure is one year's quota or use, summed over the flows of that year (as the sheet does).
        var where = WaterAccounts.Contains(q.Account)
            ? """
              account = @account and (@cause::text is null or cause = @cause)
              and year = @year and effective_date <= @to and recorded_at <= @known
              """
            : $"""
              account = @account and (@cause::text is null or cause = @cause)
              and year is null and effective_date <= @to and recorded_at <= @known and {part}
              """;
        if (WaterAccounts.Contains(q.Account)) sign = "";
        if (LandQuotaProvenance.Where(q.Account) is { } landQuota) (where, sign) = (landQuota, LandQuotaProvenance.Sign(q.Account));
        var landUse = q.Account == Accounts.LandUse;
        if (landUse) where += " and land_class = any(@classes) and (@others::text[] is null or other_class = any(@others))";
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        // The same territory as the sheet: the region and its lineage as of the period's end, and the transfers across its edge.
        var scope = RegionScope.Of(q.Region, await LineageReader.LoadAsync(conn, tx, q.KnownAt, [], ct), q.To);
        var source = LandQuotaProvenance.Where(q.Account) is null && !landUse ? ProvenanceSource.Of(scope) : null;
        // The land-use account's rows are the labelled flows and the additions they imply, inside the region's codes.
        var f = landUse
            ? $"(select *, '{Accounts.LandUse}' as account, null::int as year from ({LandUseFlows.Rows($"{LedgerStore.Schema}.{FlowTables.Flows}")}) u " +
              "where region_code between @low and @high) f"
            : source?.Sql(q.Cause is null || q.Cause == RegionScope.TransferCause) ?? $"{LedgerStore.Schema}.{FlowTables.Flows}";

        decimal total;
        long count;
        await using (var sum = Command($"select coalesce(sum({sign}amount), 0), count(*) from {f} where {where}"))
        await using (var r = await sum.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            (total, count) = (r.GetDecimal(0), r.GetInt64(1));
        }

        var flows = new List<ProvenanceFlow>();
        await using (var list = Command($"""
            select seq, event_id, stream_id, region_code, cause, nature, effective_date, recorded_at, {sign}amount
            from {f} where {where} and seq > @after order by seq limit @limit
            """))
        await using (var r = await list.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                flows.Add(new ProvenanceFlow(r.GetInt64(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                    LocalDate.FromDateOnly(r.GetFieldValue<DateOnly>(6)), Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(7)),
                    r.GetDecimal(8)));
        return (flows, total, count);

        NpgsqlCommand Command(string sql)
        {
            var cmd = new NpgsqlCommand(sql, conn, tx);
            source?.Bind(cmd);
            cmd.Parameters.AddWithValue("low", prefix.PadRight(6, '0'));
            cmd.Parameters.AddWithValue("high", prefix.PadRight(6, '9'));
            cmd.Parameters.AddWithValue("account", q.Account);
            cmd.Parameters.Add(new NpgsqlParameter("cause", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)q.Cause ?? DBNull.Value });
            cmd.Parameters.AddWithValue("from", q.From.ToDateOnly());
            cmd.Parameters.AddWithValue("to", q.To.ToDateOnly());
            cmd.Parameters.AddWithValue("known", q.KnownAt.ToDateTimeUtc());
            cmd.Parameters.AddWithValue("after", q.After);
            cmd.Parameters.AddWithValue("limit", q.Limit);
            cmd.Parameters.Add(new NpgsqlParameter("year", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)q.Year ?? DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter("classes", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = q.Classes ?? [] });
            cmd.Parameters.Add(new NpgsqlParameter("others", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)q.Others ?? DBNull.Value });
            return cmd;
        }
    }
}
