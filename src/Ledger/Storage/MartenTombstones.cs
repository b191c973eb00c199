namespace Ledger.Storage;

/// <summary>
/// When an append fails after Marten reserved sequence numbers (say the database restarts
/// mid-commit), Marten fills the gap with "tombstone" rows in its own tombstone stream. They
/// carry no ledger data: the chain, rebuilds and counts skip them, but only in that stream, so
/// a row merely labelled "tombstone" elsewhere is still reported.
/// </summary>
public static class MartenTombstones
{
    public const string Type = "tombstone";
    public static readonly string StreamKey = JasperFx.Events.Tombstone.StreamKey;

    /// <summary>SQL predicate (alias e) for a genuine Marten tombstone row.</summary>
    public static string Is(string alias = "e") => $"({alias}.type = '{Type}' and {alias}.stream_id = '{StreamKey.Replace("'", "''")}')";
}
