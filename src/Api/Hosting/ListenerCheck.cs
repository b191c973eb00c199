using System.Net;
using System.Net.Sockets;

namespace Ledger.Api.Hosting;

/// <summary>
/// Before Kestrel binds, tries each address the service will listen on, so an address already taken
/// is a start-up refusal naming its setting rather than Kestrel's bare "address already in use". The
/// usual case: a second node on one host, whose metrics listener wants the first node's default 9464.
/// Runs only when Kestrel is the server (the in-memory test server binds nothing).
/// </summary>
public static class ListenerCheck
{
    /// <summary>Why the service cannot listen where it is told to, naming the setting; null when every address is free.</summary>
    public static string? Refusal(IConfiguration config, string apiUrls)
    {
        var metricsSetting = config["LEDGER_METRICS_URLS"] is { Length: > 0 } ? "LEDGER_METRICS_URLS" : "LEDGER_METRICS_URLS, not set, so its default";
        var listeners = Urls(apiUrls).Select(u => (Url: u, Setting: "the API's address: --urls or LEDGER_URLS", Advice: "choose another port for this node"));
        if (LedgerTelemetry.Enabled(config))
            listeners = listeners.Concat(Urls(LedgerTelemetry.MetricsUrls(config)).Select(u => (Url: u, Setting: metricsSetting,
                Advice: "each node on one host needs its own LEDGER_METRICS_URLS, e.g. LEDGER_METRICS_URLS=http://127.0.0.1:9465 (or LEDGER_TELEMETRY=0 for no metrics)")));
        foreach (var (url, setting, advice) in listeners)
        {
            var address = BindingAddress.Parse(url);
            if (address.Port == 0) continue;
            foreach (var ip in Addresses(address.Host))
                if (TryBind(ip, address.Port) is { } error)
                    return $"cannot listen on {url} ({setting}): port {address.Port} on {ip} is {Describe(error)}; {advice}";
        }
        return null;
    }

    private static IEnumerable<string> Urls(string urls) => urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>What Kestrel binds for a host: an IP as given, loopback for localhost, every address for a wildcard.</summary>
    private static IEnumerable<IPAddress> Addresses(string host) =>
        IPAddress.TryParse(host, out var ip) ? [ip]
        : host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? [IPAddress.Loopback]
        : [IPAddress.Any];

    private static SocketError? TryBind(IPAddress ip, int port)
    {
        try
        {
            using var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            // As Kestrel does on Unix: a port whose last listener closed a moment ago (TIME_WAIT) is free; one with a listener is not.
            if (!OperatingSystem.IsWindows()) socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(ip, port));
            return null;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }

    private static string Describe(SocketError error) => error switch
    {
        SocketError.AddressAlreadyInUse => "already in use (another ledger node on this host, or another program)",
        SocketError.AccessDenied => "not open to this user (ports below 1024 need privileges)",
        SocketError.AddressNotAvailable => "not an address of this host",
        _ => $"unusable ({error})",
    };
}
