using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LedgerVerify;

/// <summary>
/// The witness's HTTP listener: Kestrel with one endpoint, <c>POST /add-checkpoint</c>. One lock
/// covers reading the latest state, deciding and persisting, so concurrent submissions are taken one
/// after the other and none can roll back what another had the witness cosign.
/// </summary>
internal sealed class WitnessServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WitnessServer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The URL Kestrel bound (with the real port when asked for port 0).</summary>
    public string Url { get; }

    /// <param name="beforeSave">Runs inside the lock just before a new state is saved; tests hold a save there until every racing writer has arrived.</param>
    /// <param name="arrived">Runs for each request once its body is read, before the lock: tests count racing writers with it.</param>
    public static async Task<WitnessServer> StartAsync(string listen, WitnessIdentity witness, WitnessState state, TimeProvider clock, TextWriter log,
        Action<LogState>? beforeSave = null, Action? arrived = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        // Standard output belongs to the two lines the witness promises; nothing else may write there.
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(listen);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var app = builder.Build();
        var gate = new object();
        log = TextWriter.Synchronized(log);

        app.MapPost("/add-checkpoint", async (HttpContext http) =>
        {
            var body = await ReadCappedAsync(http.Request, AddCheckpoint.MaxBodyBytes);
            arrived?.Invoke();
            WitnessAnswer answer;
            if (body is null)
            {
                answer = new WitnessAnswer(413, "text/plain; charset=utf-8", $"the body is larger than {AddCheckpoint.MaxBodyBytes} bytes\n");
            }
            else
            {
                lock (gate)
                {
                    answer = AddCheckpoint.Decide(body, witness, state.Latest, clock.GetUtcNow().ToUnixTimeSeconds());
                    if (answer.NewState is not null)
                    {
                        try
                        {
                            beforeSave?.Invoke(answer.NewState);
                            state.Save(answer.Origin!, answer.NewState);
                        }
                        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                        {
                            log.WriteLine($"error: cannot persist the state, so nothing was cosigned: {e.Message}");
                            answer = new WitnessAnswer(500, "text/plain; charset=utf-8", "the witness cannot persist its state\n");
                        }
                    }
                }
            }
            if (answer.ForkEvidence is not null) log.WriteLine(answer.ForkEvidence);
            else if (answer.Status != 200) log.WriteLine($"add-checkpoint {answer.Status}: {answer.Body.TrimEnd('\n')}");
            http.Response.StatusCode = answer.Status;
            http.Response.ContentType = answer.ContentType;
            await http.Response.WriteAsync(answer.Body);
        });

        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new WitnessServer(app, url);
    }

    /// <summary>Waits until the host is told to stop (SIGTERM, Ctrl-C) or the token fires.</summary>
    public Task WaitAsync(CancellationToken stop) => _app.WaitForShutdownAsync(stop);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The body, or null when it is larger than the cap (refused before any parsing).</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpRequest request, int cap)
    {
        if (request.ContentLength > cap) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk)) > 0)
        {
            if (buffer.Length + read > cap) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
