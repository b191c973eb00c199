using NodaTime;

namespace Ledger.Storage;

public static class StoredInstant
{
    /// <summary>
    /// PostgreSQL keeps instants to the microsecond. Anything stored and later compared or
    /// rebuilt (recorded instants, a report's knowledge time) is cut to that precision first.
    /// </summary>
    public static Instant Truncate(Instant i) => Instant.FromUnixTimeTicks(i.ToUnixTimeTicks() / 10 * 10);
}
