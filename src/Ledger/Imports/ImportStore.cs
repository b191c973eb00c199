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

/// <summary>Where an import stands: its last progress row's cumulative counts and every rejection so far.</summary>
public sealed record ImportStatus(Guid ImportId, string Status, string Layer, string FileName, int? FeaturesTotal, int FeaturesRead, int Appended, int Duplicates,
    int Skipped, int RejectedCount, IReadOnlyList<RejectedFeature> Rejected, string? Message, Instant CreatedAt, Instant UpdatedAt);

/// <summary>
/// The two import tables, insert-only like the rest of the evidence: <c>imports</c> (one row
/// per upload, with the file) and <c>import_progress</c> (a row per batch and at the end, each
/// with the cumulative counts and that batch's rejections). The status is the last row.
/// </summary>
public sealed class ImportStore(NpgsqlDataSource db, ImportSignal signal)
{
    public const string Imports = "imports", Progress = "import_progress";
    public static readonly string[] Tables = [Imports, Progress];
    public static readonly string[] Terminal = ["done", "failed"];
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

    public async Task AppendProgressAsync(Guid id, ImportCounts c, string status, IReadOnlyList<RejectedFeature> rejected, string? message,
        Instant at, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            insert into {S}.{Progress} (import_id, n, status, features_read, appended, duplicates, skipped, rejected_count, rejected, message, at)
            select @id, coalesce(max(n), 0) + 1, @status, @read, @appended, @duplicates, @skipped, @rejectedCount, @rejected, @message, @at
            from {S}.{Progress} where import_id = @id
            """);
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
        await cmd.ExecuteNonQueryAsync(ct);
        signal.Changed(id);
    }

    /// <summary>The import's status, or null when there is no such import. <paramref name="maxRejected"/> bounds the listed rejections (the count is exact).</summary>
    public async Task<ImportStatus?> StatusAsync(Guid id, int maxRejected, CancellationToken ct) =>
        await JobAsync(id, ct) is { } job ? await StatusAsync(job, maxRejected, ct) : null;

    /// <summary>The status of an import already read.</summary>
    public async Task<ImportStatus> StatusAsync(ImportJob job, int maxRejected, CancellationToken ct)
    {
        var id = job.Id;
        await using var cmd = db.CreateCommand($"""
            select status, features_read, appended, duplicates, skipped, rejected_count, message, at, rejected
            from {S}.{Progress} where import_id = @id order by n
            """);
        cmd.Parameters.AddWithValue("id", id);
        var rejected = new List<RejectedFeature>();
        (string Status, ImportCounts Counts, string? Message, Instant At) last = ("queued", new ImportCounts(), null, job.CreatedAt);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            last = (r.GetString(0), new ImportCounts(r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5)),
                r.IsDBNull(6) ? null : r.GetString(6), Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(7)));
            if (rejected.Count < maxRejected)
                rejected.AddRange((JsonSerializer.Deserialize<List<RejectedFeature>>(r.GetString(8), LedgerJsonOptions) ?? []).Take(maxRejected - rejected.Count));
        }
        var c = last.Counts;
        return new ImportStatus(id, last.Status, job.Layer, job.FileName, job.FeaturesTotal, c.FeaturesRead, c.Appended, c.Duplicates, c.Skipped, c.Rejected,
            rejected, last.Message, job.CreatedAt, last.At);
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
public sealed record ImportCounts(int FeaturesRead = 0, int Appended = 0, int Duplicates = 0, int Skipped = 0, int Rejected = 0);
