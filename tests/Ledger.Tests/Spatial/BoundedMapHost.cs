using Ledger.Spatial;
using Ledger.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Ledger.Tests.Spatial;

/// <summary>A second host over the collection's database whose map, overlaps and tiles run under <paramref name="limits"/> instead of the defaults.</summary>
public sealed class BoundedMapHost(LedgerApp app, MapLimits limits) : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _host = app.NewFactory().WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton(limits)));
    private HttpClient? _http;

    public IServiceProvider Services => _host.Services;

    public async Task<HttpResponseMessage> GetAsync(string url, string key)
    {
        _http ??= _host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Api-Key", key);
        return await _http.SendAsync(request);
    }

    /// <summary>A client that follows no redirects and keeps no cookies, as the workbench's form tests send.</summary>
    public HttpClient PlainClient() =>
        _host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        await _host.DisposeAsync();
    }
}
