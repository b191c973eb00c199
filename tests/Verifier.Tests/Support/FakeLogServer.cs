using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LedgerVerify.Tests;

/// <summary>
/// The two proof endpoints of the ledger's log API as the contract describes them, served from a
/// <see cref="TestLog"/>, behind an API key. <see cref="Tamper"/> lets a test make the server lie.
/// </summary>
public sealed class FakeLogServer : IAsyncDisposable
{
    public const string ApiKey = "test-key-1";

    private readonly WebApplication _app;

    private FakeLogServer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public List<string> Requests { get; } = [];

    /// <summary>Rewrites an answer before it is sent: (path, body) → body.</summary>
    public Func<string, string, string> Tamper { get; set; } = (_, body) => body;

    public static async Task<FakeLogServer> StartAsync(TestLog log, string database)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeLogServer? self = null;
        app.MapGet($"/api/v1/ledger/logs/{database}/proof/{{kind}}", (HttpContext http, string kind) =>
        {
            self!.Requests.Add(http.Request.Path + http.Request.QueryString);
            if (http.Request.Headers["X-Api-Key"] != ApiKey) return Results.StatusCode(401);
            long Q(string name) => long.Parse(http.Request.Query[name].ToString(), CultureInfo.InvariantCulture);
            var body = kind switch
            {
                "consistency" => TestLog.Lines(log.Consistency((int)Q("from"), (int)Q("to"))),
                "inclusion" => log.TlogProof(log.Events[(int)Q("index")], (int)Q("size"), log.Checkpoint((int)Q("size"))),
                _ => null,
            };
            return body is null ? Results.NotFound() : Results.Text(self.Tamper(kind, body), "text/plain; charset=utf-8");
        });
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return self = new FakeLogServer(app, url);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
