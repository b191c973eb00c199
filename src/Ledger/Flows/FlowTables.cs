using Weasel.Postgresql.Tables;

namespace Ledger.Flows;

/// <summary>
/// The flat tables the balance sheets are computed from. All are projections of the events:
/// written in the ingest transaction, and rebuildable from the events alone.
/// </summary>
public static class FlowTables
{
    public const string Flows = "flows";
    public const string Targets = "targets";
    public const string Totals = "flow_totals";
    public const string LandUseTotals = "landuse_totals";

    /// <summary>Totals are kept in units of 1/<see cref="Scale"/>.</summary>
    public const decimal Scale = 10_000m;

    public static long ToUnits(decimal amount)
    {
        var units = amount * Scale;
        return units == decimal.Truncate(units)
            ? (long)units
            : throw new InvalidOperationException($"{amount} has more than 4 decimal places; the totals cannot hold it exactly.");
    }

    public static Table FlowTable(string schema, string name = Flows)
    {
        var t = new Table($"{schema}.{name}");
        t.AddColumn<long>("seq").AsPrimaryKey();
        t.AddColumn("account", "text").AsPrimaryKey();
        t.AddColumn("cause", "text").NotNull();
        t.AddColumn("nature", "text").NotNull();
        t.AddColumn<Guid>("event_id").NotNull();
        t.AddColumn("stream_id", "text").NotNull();
        t.AddColumn("region_code", "text").NotNull();
        t.AddColumn("year", "integer");
        t.AddColumn("effective_date", "date").NotNull();
        t.AddColumn("recorded_at", "timestamp with time zone").NotNull();
        t.AddColumn("amount", "numeric").NotNull();
        // The land-use account's labels (LandUseFlows): on farmland and landUse rows only.
        t.AddColumn("land_class", "text");
        t.AddColumn("other_class", "text");
        t.Indexes.Add(new IndexDefinition($"ix_{name}_region_date") { Columns = ["region_code", "effective_date"] });
        t.Indexes.Add(new IndexDefinition($"ix_{name}_date") { Columns = ["effective_date"] });
        t.Indexes.Add(new IndexDefinition($"ix_{name}_recorded") { Columns = ["recorded_at"] });
        // A succession sums each moved stream's flows (and provenance lists them per stream):
        // without this, that is a scan of every flow per moved stream inside the ingest transaction.
        // Reaching them through Marten's (stream_id, version) index instead was measured: successions
        // about 30 % slower, the ingest no faster beyond noise (decision 42).
        t.Indexes.Add(new IndexDefinition($"ix_{name}_stream") { Columns = ["stream_id"] });
        // Water flows are few; without this the yearly water query would scan every stock flow.
        t.Indexes.Add(new IndexDefinition($"ix_{name}_water_year") { Columns = ["year", "region_code"], Predicate = "year is not null" });
        return t;
    }

    /// <summary>
    /// Stock flows summed by county, account, cause, effective year and recorded quarter (UTC),
    /// positive and negative apart, in units of 0.0001 (quantities have at most 4 decimals) so
    /// PostgreSQL sums integers rather than numerics. Sheets read whole years from here and only
    /// the edges (part-years, the knownAt quarter) from the flow rows.
    /// </summary>
    public static Table TotalsTable(string schema, string name = Totals)
    {
        var t = new Table($"{schema}.{name}");
        t.AddColumn("region_code", "text").AsPrimaryKey();
        t.AddColumn("account", "text").AsPrimaryKey();
        t.AddColumn("cause", "text").AsPrimaryKey();
        t.AddColumn("nature", "text").AsPrimaryKey();
        t.AddColumn("eff_year", "integer").AsPrimaryKey();
        t.AddColumn("rec_quarter", "date").AsPrimaryKey();
        t.AddColumn("amount_pos", "bigint").NotNull();
        t.AddColumn("amount_neg", "bigint").NotNull();
        // Land-quota use (approved and illegal occupation per region-year) is read for every sheet;
        // without this it scans every total of the region (a province: all of them) for a few percent.
        // The predicate is written as PostgreSQL prints it back (LIKE is ~~, AND in capitals), or
        // Weasel would find it changed at every start and try to re-create it as the runtime role.
        t.Indexes.Add(new IndexDefinition($"ix_{name}_occupation")
        {
            Columns = ["region_code", "eff_year"], Predicate = $"account = '{Accounts.Farmland}' AND cause ~~ 'occupation-%'",
        });
        return t;
    }

    /// <summary>
    /// The totals of a flow table, as SQL: rebuilds and checks derive them from the rows. Verify
    /// sums in <c>numeric</c> (<paramref name="units"/>), so a forged amount too large for a
    /// bigint is a difference to report rather than an error that stops the check.
    /// </summary>
    public static string TotalsOf(string schema, string flowTable, string units = "bigint") =>
        "select region_code, account, cause, nature, extract(year from effective_date)::int, " +
        $"date_trunc('quarter', recorded_at at time zone 'UTC')::date, sum((greatest(amount, 0) * 10000)::{units}), sum((least(amount, 0) * 10000)::{units}) " +
        $"from {schema}.{flowTable} where year is null and account <> '{Accounts.LandUse}' group by 1, 2, 3, 4, 5, 6";

    /// <summary>
    /// The land-use changes (LandUseFlows.Rows) summed like <see cref="TotalsTable"/>, by class and
    /// the class on the other side ('' for none): the landUse account and the transitions read
    /// whole years from here. Written at ingest from the same changes, so no flow row is stored twice.
    /// </summary>
    public static Table LandUseTotalsTable(string schema, string name = LandUseTotals)
    {
        var t = new Table($"{schema}.{name}");
        t.AddColumn("region_code", "text").AsPrimaryKey();
        t.AddColumn("land_class", "text").AsPrimaryKey();
        t.AddColumn("other_class", "text").AsPrimaryKey();
        t.AddColumn("cause", "text").AsPrimaryKey();
        t.AddColumn("nature", "text").AsPrimaryKey();
        t.AddColumn("eff_year", "integer").AsPrimaryKey();
        t.AddColumn("rec_quarter", "date").AsPrimaryKey();
        t.AddColumn("amount_pos", "bigint").NotNull();
        t.AddColumn("amount_neg", "bigint").NotNull();
        return t;
    }

    /// <summary>The land-use totals of a flow table, as SQL (rebuilds, checks and the upgrade of a ledger that had none).</summary>
    public static string LandUseTotalsOf(string schema, string flowTable, string units = "bigint") =>
        "select region_code, land_class, coalesce(other_class, ''), cause, nature, extract(year from effective_date)::int, " +
        $"date_trunc('quarter', recorded_at at time zone 'UTC')::date, sum((greatest(amount, 0) * 10000)::{units}), sum((least(amount, 0) * 10000)::{units}) " +
        $"from ({LandUseFlows.Rows($"{schema}.{flowTable}")}) r group by 1, 2, 3, 4, 5, 6, 7";

    public static Table TargetTable(string schema, string name = Targets)
    {
        var t = new Table($"{schema}.{name}");
        t.AddColumn<long>("seq").AsPrimaryKey();
        t.AddColumn<Guid>("event_id").NotNull();
        t.AddColumn("region_code", "text").NotNull();
        t.AddColumn("retention_ha", "numeric").NotNull();
        t.AddColumn("permanent_basic_ha", "numeric").NotNull();
        t.AddColumn("effective_date", "date").NotNull();
        t.AddColumn("recorded_at", "timestamp with time zone").NotNull();
        t.Indexes.Add(new IndexDefinition($"ix_{name}_region") { Columns = ["region_code", "effective_date"] });
        return t;
    }
}
