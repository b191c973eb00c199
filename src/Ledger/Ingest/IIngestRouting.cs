namespace Ledger.Ingest;

/// <summary>
/// Which database (and its <see cref="Ingestor"/>) appends events of a region: the one database,
/// or, with shards, the province's (the API's <c>Topology</c>). Batches are atomic within one.
/// </summary>
public interface IIngestRouting
{
    (string Database, Ingestor Ingestor) For(string regionCode);
}
