using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Ledger.Api.Hosting;

/// <summary>
/// Behind a TLS-terminating proxy the request reaches us as plain HTTP; the proxy's
/// X-Forwarded-Proto (and -For) say what the browser used, so HTTPS-only cookies are marked Secure.
/// Those headers are believed only from loopback (ASP.NET's default: a proxy on the same host)
/// and from the addresses in <c>LEDGER_TRUSTED_PROXIES</c> (comma-separated); from anyone else
/// they would let a client claim HTTPS or any address it likes.
/// </summary>
public static class TrustedProxies
{
    public const string Setting = "LEDGER_TRUSTED_PROXIES";

    public static ForwardedHeadersOptions Options(IConfiguration config)
    {
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        foreach (var entry in (config[Setting] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            options.KnownProxies.Add(IPAddress.TryParse(entry, out var ip) ? ip
                : throw new InvalidOperationException($"{Setting}: '{entry}' is not an IP address (give addresses, comma-separated)."));
        return options;
    }
}
