using System.Text;
using Ledger.Transparency;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ledger.Tests.Support;

/// <summary>
/// A tlog-witness for tests of the service's side of the protocol: it checks what c2sp.org/tlog-witness
/// asks a witness to check, keeps its state in memory, and can be stopped and started on the same
/// port, or told to answer something else. Not the witness outsiders run (that is ledger-verify).
/// </summary>
public sealed class TestWitness : IAsyncDisposable
{
    private readonly Dictionary<string, (long Size, Hash Root)> _state = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<INoteVerifier> _logs;
    private WebApplication? _app;
    private int _port;

    public TestWitness(string name, params VerifierKey[] logs)
    {
        Signer = CosignatureSigner.Generate(name);
        _logs = logs.Select(k => k.ToVerifier()).ToList();
    }

    public CosignatureSigner Signer { get; }

    public Uri Url => new($"http://127.0.0.1:{_port}/");

    public int Requests { get; private set; }

    /// <summary>When set, answers every request with this status and body instead of checking it.</summary>
    public (int Status, string ContentType, string Body)? Override { get; set; }

    public IReadOnlyList<string> OldSizesReceived => _olds;

    private readonly List<string> _olds = [];

    /// <summary>Makes the witness hold this tree for an origin, as if it had cosigned it.</summary>
    public void Seed(string origin, long size, Hash root) => _state[origin] = (size, root);

    public long SizeFor(string origin) => _state.TryGetValue(origin, out var s) ? s.Size : 0;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/add-checkpoint", Handle);
        await _app.StartAsync();
        _port = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
    }

    public async Task StopAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    private async Task<IResult> Handle(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        lock (_state)
        {
            Requests++;
            if (Override is { } o) return Results.Text(o.Body, o.ContentType, statusCode: o.Status);
            var split = body.IndexOf("\n\n", StringComparison.Ordinal);
            if (split < 0) return Results.BadRequest();
            var head = body[..split].Split('\n');
            if (!head[0].StartsWith("old ", StringComparison.Ordinal) || !long.TryParse(head[0][4..], out var old)) return Results.BadRequest();
            _olds.Add(head[0]);
            var proof = head.Skip(1).Select(Hash.ParseBase64).ToList();
            if (!SignedNote.TryParse(body[(split + 2)..], out var note, out _) || !Checkpoint.TryParse(note.Text, out var checkpoint)) return Results.BadRequest();
            if (!note.Verify(_logs).IsValid) return Results.StatusCode(403);
            var (size, root) = _state.TryGetValue(checkpoint.Origin, out var s) ? s : (0L, default(Hash));
            if (old > checkpoint.Size) return Results.BadRequest();
            if (old != size) return Results.Text($"{size}\n", "text/x.tlog.size", statusCode: 409);
            if (old == checkpoint.Size && old > 0 && root != checkpoint.Root) return Results.Text($"{size}\n", "text/x.tlog.size", statusCode: 409);
            if (old > 0 && old < checkpoint.Size && !ConsistencyProof.Verify(old, checkpoint.Size, proof, root, checkpoint.Root))
                return Results.StatusCode(422);
            _state[checkpoint.Origin] = (checkpoint.Size, checkpoint.Root);
            return Results.Text(Signer.Cosign(note.Text, NodaTime.SystemClock.Instance.GetCurrentInstant()).Line, "text/plain");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Signer.Dispose();
    }
}
