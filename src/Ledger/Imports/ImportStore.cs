using System.Text.Json;
using Ledger.Storage;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Imports;

/// <summary>An accepted upload: who sent what, for which layer and date. The file itself is kept with it (the job reads it from here, after a restart too).</summary>
public sealed record ImportJob(Guid Id, string Client, string Scope, string Layer, LocalDate EffectiveDate, string? Mapping, string FileName,
    long FileBytes, Instant CreatedAt, int? FeaturesTotal = null);

/// <summary>A feature the import did not append, and why.</summary>
public sealed record RejectedFeature(int Feature, IReadOnlyList<string> Reasons);

/// <summary>Where an import stands: its last progress row's cumulative counts and a page of the rejections kept.</summary>
public sealed record ImportStatus(Guid ImportId, string Status, string Layer, string FileName, int? FeaturesTotal, int FeaturesRead, int Appended, int Duplicates,
    int Skipped, int RejectedCount, IReadOnlyList<RejectedFeature> Rejected, string? Message, Instant CreatedAt, Instant UpdatedAt,
    IReadOnlyDictionary<string, int>? Classes = null)
{
    /// <summary>The counts the next progress row continues from.</summary>
    public ImportCounts Counts => new(FeaturesRead, Appended, Duplicates, Skipped, RejectedCount, Classes);
}

/// <summary>
/// The two import tables, insert-only like the rest of the evidence: <c>imports</c> (one row
/// per upload, with the file) and <c>import_progress</c> (a row per batch and at the end, each
/// with the cumulative counts and that batch's rejections). The status is the last row; once a
/// row is final (done, failed, cancelled) no other row is added, so a cancelled job that is still
/// running cannot report itself done. Only the first <see cref="MaxKeptRejections"/> rejections
/// are kept (the count is exact): a layer of bad features must not become a table of them.
/// </summary>
public sealed class ImportStore(NpgsqlDataSource db, ImportSignal signal)
{
    public const string Imports = "imports", Progress = "import_progress";
    public static readonly string[] Tables = [Imports, Progress];
    public static readonly string[] Terminal = ["done", "failed", "cancelled"];
    public const int MaxKeptRejections = 1_000, MaxReasons = 10, MaxReasonChars = 300;
    private static readonly string S = LedgerStore.Schema;

    public static string Ddl(string s = LedgerStore.Schema) => $"""
        create table if not exists {s}.{Imports} (
          id uuid primary key, client text not null, scope text not null, layer text not null, effective_date date not null,
          mapping text, file_name text not null, file_bytes bigint not null, file bytea not null, created_at timestamptz not null);
        create table if not exists {s}.{Progress} (
          import_id uuid not null references {s}.{Imports} (id), n int not null, status text not null,
          features_read int not null, appended int not null, duplicates int not null, skipped int not null, rejected_count int not null,
          rejected jsonb not null, message text, at timestamptz not null, primary key (import_id, n));
        alter table {s}.{Imports} add column if not exists features_total int;
        alter table {s}.{Progress} add column if not exists classes jsonb not null default jsonb_build_object();
        """;

    public static async Task EnsureAsync(NpgsqlDataSource owner, CancellationToken ct = default)
    {
        await using var conn = await owner.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(Ddl(), conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The insert of a new import, as SQL and parameters, to run in the transaction that also queues its job.</summary>
    /// <param name="file">The file's bytes (held in memory once, at upload: the upload limit bounds it).</param>
    public static (string Sql, object[] Parameters) InsertSql(ImportJob job, byte[] file) => (
        $"insert into {S}.{Imports} (id, client, scope, layer, effective_date, mapping, file_name, file_bytes, file, created_at, features_total) " +
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [job.Id, job.Client, job.Scope, job.Layer, job.EffectiveDate.ToDateOnly(), (object?)job.Mapping ?? DBNull.Value, job.FileName, job.FileBytes,
         file, job.CreatedAt.ToDateTimeOffset(), (object?)job.FeaturesTotal ?? DBNull.Value]);

    public async Task<ImportJob?> JobAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            select id, client, scope, layer, effective_date, mapping, file_name, file_bytes, created_at, features_total from {S}.{Imports} where id = @id
            """);
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new ImportJob(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), LocalDate.FromDateOnly(r.GetFieldValue<DateOnly>(4)),
            r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6), r.GetInt64(7), Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(8)),
            r.IsDBNull(9) ? null : r.GetInt32(9));
    }

    /// <summary>Copies the stored file to <paramref name="path"/> in pieces (never the whole file in memory).</summary>
    public async Task WriteFileAsync(Guid id, string path, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"select file from {S}.{Imports} where id = @id", conn);
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        if (!await r.ReadAsync(ct)) throw new InvalidOperationException($"import {id} has no stored file");
        await using var source = r.GetStream(0);
        await using var target = File.Create(path);
        await source.CopyToAsync(target, ct);
    }

    /// <summary>Adds a progress row unless the import already has a final one; false when it had (it was cancelled, say).</summary>
    public async Task<bool> AppendProgressAsync(Guid id, ImportCounts c, string status, IReadOnlyList<RejectedFeature> rejected, string? message,
        Instant at, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            insert into {S}.{Progress} (import_id, n, status, features_read, appended, duplicates, skipped, rejected_count, rejected, message, at, classes)
            select @id, coalesce(max(n), 0) + 1, @status, @read, @appended, @duplicates, @skipped, @rejectedCount, @rejected, @message, @at, @classes
            from {S}.{Progress} where import_id = @id
            having not bool_or(status = any(@terminal)) or count(*) = 0
            """);
        cmd.Parameters.AddWithValue("terminal", Terminal);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("status", status);
        cmd.Parameters.AddWithValue("read", c.FeaturesRead);
        cmd.Parameters.AddWithValue("appended", c.Appended);
        cmd.Parameters.AddWithValue("duplicates", c.Duplicates);
        cmd.Parameters.AddWithValue("skipped", c.Skipped);
        cmd.Parameters.AddWithValue("rejectedCount", c.Rejected);
        cmd.Parameters.AddWithValue("rejected", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(rejected, LedgerJsonOptions));
        cmd.Parameters.AddWithValue("message", (object?)message ?? DBNull.Value);
        cmd.Parameters.AddWithValue("at", at.ToDateTimeUtc());
        cmd.Parameters.AddWithValue("classes", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(c.Classes ?? new Dictionary<string, int>()));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var added = await cmd.ExecuteNonQueryAsync(ct) == 1;
                signal.Changed(id);
                return added;
            }
            // A cancellation and the job's own row took the same number: the later one counts again.
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && attempt < 5)
            {
            }
        }
    }

    /// <summary>A rejection as it is kept: at most <see cref="MaxReasons"/> reasons, each clipped (they may quote the file's values).</summary>
    public static RejectedFeature Kept(RejectedFeature r) =>
        new(r.Feature, r.Reasons.Take(MaxReasons).Select(x => Ingest.BatchParser.Clip(x, MaxReasonChars)).ToList());

    /// <summary>The import's status, or null when there is no such import; the rejections kept from <paramref name="from"/>, at most <paramref name="limit"/>.</summary>
    public async Task<ImportStatus?> StatusAsync(Guid id, int from, int limit, CancellationToken ct) =>
        await JobAsync(id, ct) is { } job ? await StatusAsync(job, from, limit, ct) : null;

    /// <summary>The status of an import already read: its last progress row and one page of its rejections, both chosen in SQL.</summary>
    public async Task<ImportStatus> StatusAsync(ImportJob job, int from, int limit, CancellationToken ct)
    {
        var id = job.Id;
        await using var conn = await db.OpenConnectionAsync(ct);
        (string Status, ImportCounts Counts, string? Message, Instant At) last = ("queued", new ImportCounts(), null, job.CreatedAt);
        await using (var cmd = new NpgsqlCommand($"""
            select status, features_read, appended, duplicates, skipped, rejected_count, message, at, classes::text
            from {S}.{Progress} where import_id = @id order by n desc limit 1
            """, conn))
        {
            cmd.Parameters.AddWithValue("id", id);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct))
                last = (r.GetString(0), new ImportCounts(r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5),
                        JsonSerializer.Deserialize<Dictionary<string, int>>(r.GetString(8))),
                    r.IsDBNull(6) ? null : r.GetString(6), Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(7)));
        }
        var rejected = new List<RejectedFeature>();
        if (limit > 0)
        {
            await using var cmd = new NpgsqlCommand($"""
                select e.value::text from {S}.{Progress} p cross join lateral jsonb_array_elements(p.rejected) with ordinality e
                where p.import_id = @id order by p.n, e.ordinality offset @from limit @limit
                """, conn);
            cmd.Parameters.AddWithValue("id", id);
            cmd.Parameters.AddWithValue("from", from);
            cmd.Parameters.AddWithValue("limit", limit);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) rejected.Add(JsonSerializer.Deserialize<RejectedFeature>(r.GetString(0), LedgerJsonOptions)!);
        }
        var c = last.Counts;
        return new ImportStatus(id, last.Status, job.Layer, job.FileName, job.FeaturesTotal, c.FeaturesRead, c.Appended, c.Duplicates, c.Skipped, c.Rejected,
            rejected, last.Message, job.CreatedAt, last.At, c.Classes);
    }

    /// <summary>Imports with no final status: the jobs a restart must run (again; they resume from their last progress row).</summary>
    public async Task<IReadOnlyList<Guid>> UnfinishedAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            select i.id from {S}.{Imports} i
            where not exists (select 1 from {S}.{Progress} p where p.import_id = i.id and p.status = any(@terminal))
            order by i.created_at
            """);
        cmd.Parameters.AddWithValue("terminal", Terminal);
        var ids = new List<Guid>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ids.Add(r.GetGuid(0));
        return ids;
    }

    private static readonly JsonSerializerOptions LedgerJsonOptions = new(JsonSerializerDefaults.Web);
}

/// <summary>Cumulative counts of an import: every feature read is appended, a duplicate, skipped or rejected.</summary>
/// <param name="Classes">For survey layers: features stored (appended or already there) per 一级类.</param>
public sealed record ImportCounts(int FeaturesRead = 0, int Appended = 0, int Duplicates = 0, int Skipped = 0, int Rejected = 0,
    IReadOnlyDictionary<string, int>? Classes = null)
{
    /// <summary>These counts with <paramref name="groups"/> (one 一级类 per stored feature) added.</summary>
    public ImportCounts Stored(IEnumerable<string?> groups)
    {
        var classes = new SortedDictionary<string, int>(Classes?.ToDictionary() ?? [], StringComparer.Ordinal);
        foreach (var g in groups.OfType<string>()) classes[g] = classes.GetValueOrDefault(g) + 1;
        return this with { Classes = classes };
    }
}
