using System.Diagnostics;
using System.Globalization;

namespace Ledger.Api.Http;

/// <summary>
/// W3C Server Timing for one request: each mark names the part that ended there and how long it took
/// since the previous mark, so a benchmark (or a browser's tools) can see where a request's time went.
/// </summary>
public sealed class ServerTiming(long startedTimestamp)
{
    private readonly List<(string Name, double Ms)> _parts = [];
    private long _last = startedTimestamp;

    public void Mark(string name)
    {
        var now = Stopwatch.GetTimestamp();
        _parts.Add((name, Stopwatch.GetElapsedTime(_last, now).TotalMilliseconds));
        _last = now;
    }

    public override string ToString() => Header(_parts);

    /// <summary>The header's value for parts timed some other way: <c>name;dur=ms, …</c>.</summary>
    public static string Header(IEnumerable<(string Name, double Ms)> parts) =>
        string.Join(", ", parts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name};dur={p.Ms:F2}")));
}
