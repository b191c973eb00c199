namespace Ledger.Spatial;

/// <summary>
/// PostgreSQL stopped a map read at <see cref="MapLimits.Timeout"/>. It carries no inner exception
/// on purpose: the API reads a wrapped Npgsql error as "a database did not answer" (503 naming a
/// shard), and this is not that.
/// </summary>
public sealed class MapTimeoutException(TimeSpan timeout, string reason)
    : Exception($"the map read took longer than {timeout.TotalSeconds:0.###} s and PostgreSQL stopped it ({reason})")
{
    public TimeSpan Timeout => timeout;
}
