using Ledger.Chain;
using Ledger.LandUse;
using Ledger.Regions;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Flows;

/// <summary>
/// A ledger from before the land-use accounts (contract 1.8) has farmland rows without classes,
/// no land-use totals and no land-use transfers. Every label follows from what is stored: the
/// parcel's class from its state's landType (which no event changes), the class the land went to
/// from the cause (no event then could name toClass, so the documented default is exact). Runs at
/// migration as the owner, under the chain's lock so no batch commits half-way; a ledger with
/// nothing to label does nothing, so it is safe to run at every start and to interrupt.
/// </summary>
public static class LandUseUpgrade
{
    private static readonly string S = LedgerStore.Schema;

    public static async Task RunAsync(NpgsqlDataSource owner, Action<string> progress, CancellationToken ct = default)
    {
        await using var conn = await owner.OpenConnectionAsync(ct);
        // The first land-use release kept a partial index of the class changes for the in-out balance;
        // it cost the ingest about 5 ms a batch under the chain's lock and the balance now reads the
        // totals instead (decision 59).
        await using (var drop = new NpgsqlCommand($"drop index if exists {S}.ix_{FlowTables.Flows}_other_class", conn))
            await drop.ExecuteNonQueryAsync(ct);
        await using (var check = new NpgsqlCommand(
            $"select exists (select 1 from {S}.{FlowTables.Flows} where account = '{Accounts.Farmland}' and land_class is null)", conn))
            if (!(bool)(await check.ExecuteScalarAsync(ct))!) return;

        progress("land-use accounts: labelling farmland flows with their classes (contract 1.8) …");
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(conn, tx);
        batch.BatchCommands.Add(ChainWriter.Lock());
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            update {S}.{FlowTables.Flows} f
            set land_class = case s.data->>'landType' when 'paddy' then '0101' when 'irrigated' then '0102' when 'dry' then '0103' end,
                other_class = case
                  when f.cause like 'conversion-to-%' then {Case("substr(f.cause, 15)", FarmlandDestinations.ByUse)}
                  when f.cause like 'occupation-%' then {Case("regexp_replace(f.cause, '^occupation-(.*)-(legal|illegal)$', '\\1')", FarmlandDestinations.ByPurpose)}
                end
            from {S}.{StateDocuments.TableOf(typeof(Farmland.ParcelState))} s
            where s.id = f.stream_id and f.account = '{Accounts.Farmland}' and f.land_class is null
            """));
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"truncate {S}.{FlowTables.LandUseTotals}"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            $"insert into {S}.{FlowTables.LandUseTotals} {FlowTables.LandUseTotalsOf(S, FlowTables.Flows)}"));
        // Land carried across region edges by earlier successions, as the transfers table would hold it had the accounts existed.
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"""
            insert into {S}.{LineageTables.Transfers} (seq, account, from_code, to_code, effective_date, succession_seq, recorded_at, amount)
            select * from ({LineageTables.TransfersOf(S, FlowTables.Flows)}) x where x.account like '{Accounts.LandUse}:%'
            on conflict do nothing
            """));
        await batch.ExecuteNonQueryAsync(ct);
        var labelled = batch.BatchCommands[1].RecordsAffected;
        await tx.CommitAsync(ct);
        progress($"land-use accounts: {labelled:N0} farmland flows labelled, land-use totals and transfers derived");
    }

    private static string Case(string expression, IReadOnlyDictionary<string, string> map) =>
        $"case {expression} " + string.Join(" ", map.Select(kv => $"when '{kv.Key}' then '{kv.Value}'")) + " end";
}
