using System.Text.Json;
using Ledger.Chain;
using Ledger.Integrity;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Api.Hosting;

/// <summary>
/// Checks the derived tables against the events at start and every
/// <c>LEDGER_DERIVED_CHECK_MINUTES</c> (default 10; 0 = at start only; negative = never, for test
/// hosts that reset the database under it and run the check themselves). A periodic job: one node
/// of the cluster runs it (<see cref="PeriodicWorkFamily"/>) and stores the result in
/// <see cref="DerivedCheckResults"/>, which every node's <c>/health/ready</c> reads: readiness is
/// polled, and the check reads every event, so the probe reports the last check rather than running one.
/// </summary>
public sealed class DerivedCheckService(NpgsqlDataSource db, Topology topology, IConfiguration config, IClock clock, ILogger<DerivedCheckService> log)
    : IPeriodicJob
{
    public sealed record Outcome(Instant At, IReadOnlyList<VerifyProblem> Problems);

    private static readonly string Table = $"{LedgerStore.Schema}.{DerivedCheckResults.Name}";
    private readonly SemaphoreSlim _one = new(1, 1);

    public string Description => "derived-table check";

    /// <summary><c>LEDGER_DERIVED_CHECK_MINUTES</c>: 0 runs the check once at start, a negative number never.</summary>
    public TimeSpan? Interval => Ledger.Storage.OperatorSettings.DerivedCheckMinutes.Read(n => config[n]) is var m and >= 0 ? TimeSpan.FromMinutes(m) : null;

    public bool RunsAtStart => true;

    public Task RunOnceAsync(CancellationToken ct) => RunAsync(ct);

    /// <summary>Runs a check now and stores its result; one at a time on this node.</summary>
    public async Task<Outcome> RunAsync(CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            // Every database's own derived tables; with shards a table is named with its database ("west/flows").
            var problems = new List<VerifyProblem>();
            // A shard not prepared yet is reported by readiness as such; its tables are checked once it is.
            foreach (var d in topology.All.Where(d => topology.NotPrepared(d) is null))
            {
                IReadOnlyList<VerifyProblem> found = [.. await DerivedCheck.RunAsync(d.Db, null, ct), .. await Ledger.Investigations.StoredCodeCheck.RunAsync(d.Db, ct)];
                problems.AddRange(topology.Sharded ? found.Select(p => p with { Table = $"{d.Name}/{p.Table}", What = $"database {d.Name}: {p.What}" }) : found);
            }
            foreach (var p in problems) log.LogWarning("Derived table differs from the events: {Problem}", p.What);
            log.LogInformation("Derived-table check done: {Count} difference(s)", problems.Count);
            var outcome = new Outcome(clock.GetCurrentInstant(), problems);
            await StoreAsync(outcome, ct);
            return outcome;
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task StoreAsync(Outcome outcome, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            insert into {Table} (id, checked_at, node, problems) values ('last', $1, $2, $3::jsonb)
            on conflict (id) do update set checked_at = excluded.checked_at, node = excluded.node, problems = excluded.problems
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = outcome.At.ToDateTimeOffset() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Environment.MachineName + ":" + Environment.ProcessId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(outcome.Problems.Select(p => new { table = p.Table, what = p.What, sequence = p.Sequence })) });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>SQL for the last stored check's time and the tables its problems name (readiness reads it in its one query).</summary>
    public static string LastCheckColumns => $"""
        (select checked_at from {Table} where id = 'last'),
        (select array(select distinct coalesce(p->>'table', p->>'what') from jsonb_array_elements(problems) p order by 1) from {Table} where id = 'last')
        """;
}
