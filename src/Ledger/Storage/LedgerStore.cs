using JasperFx.Events;
using Ledger.Access;
using Ledger.Events;
using Marten;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using Npgsql;
using Weasel.Core;

namespace Ledger.Storage;

/// <summary>The one Marten configuration shared by the host, the CLI, the benchmarks and the tests.</summary>
public static class LedgerStore
{
    public const string Schema = "ledger";

    public static void Configure(StoreOptions o, NpgsqlDataSource dataSource)
    {
        o.Connection(dataSource);
        o.DatabaseSchemaName = Schema;
        o.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase,
            j => j.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb));

        // Stream keys are the resource units' own codes (domain-prefixed), so no lookup table is needed.
        o.Events.StreamIdentity = StreamIdentity.AsString;
        // The server's IClock stamps every event; this mode writes the timestamp we set.
        o.Events.AppendMode = EventAppendMode.QuickWithServerTimestamps;
        o.Events.MetadataConfig.HeadersEnabled = true;
        o.Events.MetadataConfig.UserNameEnabled = true;
        // Client event ids are idempotency keys: the database, not only our check, refuses a second copy.
        o.Events.EnableUniqueIndexOnEventId = true;

        foreach (var spec in EventCatalog.Types)
            o.Events.MapEventType(spec.ClrType, spec.Name);
        foreach (var rules in EventCatalog.Rules)
            o.RegisterDocumentType(rules.StateType);

        o.Schema.For<ApiKey>().UniqueIndex(k => k.Hash).UniqueIndex(k => k.NameKey!);
        o.Storage.ExtendedSchemaObjects.Add(Flows.FlowTables.FlowTable(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Flows.FlowTables.TargetTable(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Flows.FlowTables.TotalsTable(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Flows.FlowTables.LandUseTotalsTable(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Chain.ChainTables.LinkTable(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Chain.ChainTables.CheckpointTable(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Chain.LogTables.TileTable(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Chain.LogTables.EdgeTable(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Chain.LogTables.CheckpointTable(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Chain.LogTables.CosignatureTable(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Chain.LogTables.WitnessTable(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Chain.LogTables.ForkTable(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Chain.NationalCheckpoints.Definition(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Investigations.EventIndex.Definition(Schema));
        o.Storage.ExtendedSchemaObjects.Add(ReportTable.Definition(Schema));
        o.Storage.ExtendedSchemaObjects.Add(SessionTable.Definition(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Integrity.DerivedCheckResults.Definition(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Regions.LineageTables.SuccessionTable(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Regions.LineageTables.StreamMoveTable(Schema));
        o.Storage.ExtendedSchemaObjects.Add(Regions.LineageTables.TransferTable(Schema));
    }

    public static DocumentStore Create(NpgsqlDataSource dataSource) => DocumentStore.For(o => Configure(o, dataSource));
}
