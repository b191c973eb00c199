using System.Globalization;
using System.Text;
using Weasel.Postgresql.Tables;

namespace Ledger.Chain;

/// <summary>
/// The tamper-evidence chain: one link per event, in commit order. Each link's hash covers
/// the previous link's hash and the event's canonical text, so changing, deleting, inserting
/// or reordering an event row breaks every later link.
/// </summary>
public static class ChainTables
{
    public const string Links = "chain";
    public const string Checkpoints = "checkpoints";

    public static Table LinkTable(string schema)
    {
        var t = new Table($"{schema}.{Links}");
        t.AddColumn<long>("position").AsPrimaryKey();
        t.AddColumn<long>("seq").NotNull();
        t.AddColumn("hash", "bytea").NotNull();
        t.Indexes.Add(new IndexDefinition($"ux_{Links}_seq") { Columns = ["seq"], IsUnique = true });
        return t;
    }

    public static Table CheckpointTable(string schema)
    {
        var t = new Table($"{schema}.{Checkpoints}");
        t.AddColumn<long>("position").AsPrimaryKey();
        t.AddColumn("hash", "bytea").NotNull();
        t.AddColumn("signed_at", "timestamp with time zone").NotNull();
        t.AddColumn("signature", "bytea").NotNull();
        return t;
    }

    /// <summary>
    /// The canonical text of an event row (alias <c>e</c>): sequence, id, stream, version, type,
    /// data and headers as PostgreSQL renders jsonb (deterministic), the recorded instant in UTC
    /// to the microsecond, and the posting client.
    /// </summary>
    public const string CanonicalText =
        "concat_ws('|', e.seq_id, e.id, e.stream_id, e.version, e.type, e.data::text, " +
        "to_char(e.timestamp at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), coalesce(e.user_name, ''), coalesce(e.headers::text, ''))";

    /// <summary>The recorded instant as <see cref="CanonicalText"/> prints it (formatted once per batch: all its events share it).</summary>
    public static string RecordedText(DateTime recordedUtc) =>
        recordedUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// <see cref="CanonicalText"/> computed from the values the ingest writes, as UTF-8: the data and headers
    /// rendered as PostgreSQL renders jsonb (<see cref="JsonbText"/>), so the ingest need not read its rows back.
    /// </summary>
    public static byte[] Canonical(long seq, Guid id, string streamId, long version, string type, string dataJson, string recordedText,
        string? userName, string? headersJson)
    {
        var output = new ByteBuffer(dataJson.Length + (headersJson?.Length ?? 0) + 256);
        void Text(string text) => output.Write(Encoding.UTF8.GetBytes(text));
        Text(string.Create(CultureInfo.InvariantCulture, $"{seq}|{id:D}|{streamId}|{version}|{type}|"));
        JsonbText.Write(Encoding.UTF8.GetBytes(dataJson), output);
        Text(string.Create(CultureInfo.InvariantCulture, $"|{recordedText}|{userName ?? ""}|"));
        if (headersJson is not null) JsonbText.Write(Encoding.UTF8.GetBytes(headersJson), output);
        return output.Written.ToArray();
    }
}
