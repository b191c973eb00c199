using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Audit.Departure;

/// <summary>An issued report as stored: the exact JSON, its hash, and what is needed to regenerate it.</summary>
public sealed record StoredReport(Guid Id, string TenureId, string RegionCode, Instant KnownAt, long HighWater, string RuleSet,
    string FunctionalZone, bool Interim, Instant GeneratedAt, string GeneratedBy, string Content, string ContentSha256, string? Weights = null);

/// <summary>
/// Issued reports are evidence too: the runtime role may insert and read them, never change or
/// delete them (see <see cref="DatabaseRoles"/>), and the stored JSON is what every later fetch returns.
/// </summary>
public sealed class ReportStore(NpgsqlDataSource db)
{
    private const string Table = ReportTable.Name;
    private const string Columns =
        "id, tenure_id, region_code, known_at, high_water, rule_set, functional_zone, interim, generated_at, generated_by, content, content_sha256, weights";

    public async Task InsertAsync(StoredReport r, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"insert into {LedgerStore.Schema}.{Table} ({Columns}) " +
            "values (@id, @tenure, @region, @known, @hw, @rules, @zone, @interim, @generated, @by, @content, @sha, @weights)", conn);
        cmd.Parameters.AddWithValue("id", r.Id);
        cmd.Parameters.AddWithValue("tenure", r.TenureId);
        cmd.Parameters.AddWithValue("region", r.RegionCode);
        cmd.Parameters.AddWithValue("known", r.KnownAt.ToDateTimeUtc());
        cmd.Parameters.AddWithValue("hw", r.HighWater);
        cmd.Parameters.AddWithValue("rules", r.RuleSet);
        cmd.Parameters.AddWithValue("zone", r.FunctionalZone);
        cmd.Parameters.AddWithValue("interim", r.Interim);
        cmd.Parameters.AddWithValue("generated", r.GeneratedAt.ToDateTimeUtc());
        cmd.Parameters.AddWithValue("by", r.GeneratedBy);
        cmd.Parameters.AddWithValue("content", r.Content);
        cmd.Parameters.AddWithValue("sha", r.ContentSha256);
        cmd.Parameters.Add(new NpgsqlParameter("weights", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)r.Weights ?? DBNull.Value });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>How many reports (interim or final) a client issued since an instant, and when the oldest of them was issued.</summary>
    public async Task<(long Count, Instant? Oldest)> IssuedSinceAsync(string client, bool interim, Instant since, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"select count(*), min(generated_at) from {LedgerStore.Schema}.{Table} " +
            "where generated_by = @by and interim = @interim and generated_at > @since", conn);
        cmd.Parameters.AddWithValue("by", client);
        cmd.Parameters.AddWithValue("interim", interim);
        cmd.Parameters.AddWithValue("since", since.ToDateTimeUtc());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetInt64(0), r.IsDBNull(1) ? null : Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(1)));
    }

    public async Task<StoredReport?> FindAsync(Guid id, CancellationToken ct) =>
        (await QueryAsync("id = @id", c => c.Parameters.AddWithValue("id", id), ct)).SingleOrDefault();

    /// <summary>Reports inside a region (prefix range), newest first, optionally for one tenure.</summary>
    public async Task<IReadOnlyList<StoredReport>> ListAsync(string low, string high, string? tenureId, int limit, CancellationToken ct) =>
        await QueryAsync("region_code between @low and @high and (@tenure::text is null or tenure_id = @tenure) order by generated_at desc, id limit @limit", c =>
        {
            c.Parameters.AddWithValue("low", low);
            c.Parameters.AddWithValue("high", high);
            c.Parameters.Add(new NpgsqlParameter("tenure", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)tenureId ?? DBNull.Value });
            c.Parameters.AddWithValue("limit", limit);
        }, ct);

    private async Task<List<StoredReport>> QueryAsync(string where, Action<NpgsqlCommand> bind, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"select {Columns} from {LedgerStore.Schema}.{Table} where {where}", conn);
        bind(cmd);
        var list = new List<StoredReport>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new StoredReport(r.GetGuid(0), r.GetString(1), r.GetString(2), Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(3)),
                r.GetInt64(4), r.GetString(5), r.GetString(6), r.GetBoolean(7), Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(8)),
                r.GetString(9), r.GetString(10), r.GetString(11), r.IsDBNull(12) ? null : r.GetString(12)));
        return list;
    }
}
