using Ledger.Events;
using Marten;
using Ledger.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Ingest;

/// <summary>
/// Upserts the batch's new stream states into their Marten document tables, one statement per
/// kind of state, inside the ingest's batch of writes. Marten's own session upserts one row per
/// statement and needs a round trip of its own; the rows here are what it writes (Marten's
/// serializer, a fresh <c>mt_version</c>, the .NET type, the transaction's time), so Marten
/// loads them as its own documents.
/// </summary>
internal static class StateWriter
{
    public static IEnumerable<NpgsqlBatchCommand> Upserts(IDocumentStore store, IReadOnlyList<IStreamState> states)
    {
        var serializer = store.Options.Serializer();
        foreach (var kind in states.GroupBy(s => s.GetType()))
        {
            var table = store.Options.FindOrResolveDocumentType(kind.Key).TableName.QualifiedName;
            yield return SqlBatch.Command($"""
                insert into {table} (id, data, mt_version, mt_dotnet_type, mt_last_modified)
                select id, data, gen_random_uuid(), @type, transaction_timestamp() from unnest(@ids, @data) as u(id, data)
                on conflict (id) do update set data = excluded.data, mt_version = excluded.mt_version,
                  mt_dotnet_type = excluded.mt_dotnet_type, mt_last_modified = excluded.mt_last_modified
                """,
                ("ids", kind.Select(s => s.Id).ToArray()),
                ("data", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = kind.Select(s => serializer.ToJson(s)).ToArray() }),
                ("type", kind.Key.FullName!));
        }
    }
}
