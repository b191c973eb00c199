using NodaTime;

namespace Ledger.Events;

/// <summary>
/// Every domain event carries the region it belongs to and its effective date (when it
/// happened in the world). The recorded instant and the posting client live in the event
/// envelope (Marten's timestamp and user name), set by the server, never by the client.
/// </summary>
public interface ILedgerEvent
{
    string RegionCode { get; }
    LocalDate EffectiveDate { get; }
}
