using Ledger.Access;
using Ledger.Chain;
using Ledger.Events;
using Ledger.Flows;
using Ledger.Regions;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Investigations;

/// <summary>
/// Finds codes, keys and names already stored that today's rules refuse (a region "410102\n" or a
/// stream key with a bidi override, accepted before the rules were tightened). Such a row bends
/// roll-ups by prefix without any event being changed, so the chain cannot see it: this check
/// runs at start and in every verification. SQL filters out the plainly valid ASCII rows, so only
/// the few unusual ones reach the Unicode rules here.
/// </summary>
public static class StoredCodeCheck
{
    public const int MaxReported = 100;

    private const string AsciiCode = "'^[0-9]{6}$'"; // PostgreSQL's $ is the end of the string, not of a line

    public static async Task<IReadOnlyList<VerifyProblem>> RunAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        var problems = new List<VerifyProblem>();
        await using var conn = await db.OpenConnectionAsync(ct);

        // Regions are a few thousand: all of them go through the rules.
        await ReadAsync(conn, $"mt_doc_{nameof(RegionState).ToLowerInvariant()}", $"select 0::bigint, id, data->>'regionCode', data->>'name' from {s}.mt_doc_{nameof(RegionState).ToLowerInvariant()}",
            (_, id, code, name) => !RegionCodes.IsWellFormed(code) ? $"region {Printable(id)}: its code is not six ASCII digits"
                : TextRules.IdentifierProblem(name) is { } bad ? $"region {id}: its name {bad}" : null, problems, ct);

        await ReadAsync(conn, "mt_streams", $$"""
            select 0::bigint, id, '', '' from {{s}}.mt_streams
            where id !~ '^(farmland|redline|mining|tenure):[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'
              and id !~ '^region:[0-9]{6}$' and id !~ '^water:[0-9]{6}-[0-9]{4}$' and id <> '{{MartenTombstones.StreamKey.Replace("'", "''")}}'
            """, (_, id, _, _) => StreamIdProblem(id) is { } bad ? $"stream {Printable(id)}: {bad}" : null, problems, ct);

        foreach (var table in new[] { EventIndex.Table, FlowTables.Flows, FlowTables.Targets })
            await ReadAsync(conn, table, $"select seq, seq::text, region_code, '' from {s}.{table} where region_code !~ {AsciiCode} order by 1 limit {MaxReported}",
                (seq, _, code, _) => $"{table}: the row of sequence {seq} has region code {Printable(code)}, not six ASCII digits", problems, ct);

        await ReadAsync(conn, $"mt_doc_{nameof(ApiKey).ToLowerInvariant()}", $"select 0::bigint, id::text, data->>'name', '' from {s}.mt_doc_{nameof(ApiKey).ToLowerInvariant()} where data->>'name' ~ '[^ -~]' or data->>'name' ~ '^\\s|\\s$'",
            (_, id, name, _) => TextRules.IdentifierProblem(name) is { } bad ? $"API key {id}: its client name {bad}" : null, problems, ct);
        return problems;
    }

    private static string? StreamIdProblem(string id)
    {
        var colon = id.IndexOf(':');
        if (colon <= 0 || EventCatalog.RulesFor(id[..colon]) is null) return "not a known domain:key";
        return EventCatalog.KeyShapeProblem(id[..colon], id[(colon + 1)..]) is { } bad ? $"its key {bad}" : null;
    }

    private static async Task ReadAsync(NpgsqlConnection conn, string table, string sql, Func<long, string, string, string, string?> judge,
        List<VerifyProblem> problems, CancellationToken ct)
    {
        await using var cmd = LongRunning.Command(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct) && problems.Count < MaxReported)
            if (judge(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? "" : r.GetString(2), r.IsDBNull(3) ? "" : r.GetString(3)) is { } what)
                problems.Add(new VerifyProblem(r.GetInt64(0), what, table));
    }

    /// <summary>Invisible characters shown as escapes, so the report itself cannot be spoofed by what it reports.</summary>
    private static string Printable(string s) =>
        string.Concat(s.Select(c => c is < ' ' or (> '~' and < '\u00A0') || char.IsControl(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format
            ? $"\\u{(int)c:X4}" : c.ToString()));
}
