using System.Collections.Concurrent;
using Ledger.Api.Hosting;
using Ledger.Audit.Departure;
using Ledger.Events;
using NodaTime;

namespace Ledger.Api.Audits;

/// <summary>
/// Departure audits read the tenure's own database (its province's); the reports themselves are
/// kept in the catalogue, whichever database the tenure is in. Without shards this is the one
/// <see cref="DepartureAudits"/> of the service.
/// </summary>
public sealed class ShardAudits(Topology topology, DepartureAudits catalogue, ReportStore reports, IClock clock,
    AuditQuota quota)
{
    private readonly ConcurrentDictionary<string, DepartureAudits> _byShard = new();

    /// <summary>
    /// The audits of the database holding the tenure (its province's; no event, a tenure's
    /// included, is ever the nation's own, so every tenure is in exactly one database).
    /// </summary>
    public async Task<DepartureAudits> ForTenureAsync(string tenureId, CancellationToken ct)
    {
        var shard = await topology.LocateStreamAsync(EventCatalog.StreamId("tenure", tenureId), ct);
        return shard == topology.Catalogue
            ? catalogue
            : _byShard.GetOrAdd(shard.Name, _ => new DepartureAudits(new AuditReader(shard.Db, shard.Store), reports, clock, quota));
    }
}
