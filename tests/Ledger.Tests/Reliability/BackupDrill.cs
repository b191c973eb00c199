using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Storage;
using Ledger.Tests.Support;
using Npgsql;

namespace Ledger.Tests.Reliability;

/// <summary>An event the service acknowledged (200), as the client keeps it.</summary>
public sealed record Acknowledged(Guid EventId, long Sequence, DateTimeOffset RecordedAt);

/// <summary>
/// Everything a backup drill runs is real: private clusters (fsync on), the API as its own process
/// with a trusted checkpoint file, and the operator's scripts in infra/backup run through bash. All
/// of it lives under one temp folder; disposing stops every process and server and removes it.
/// </summary>
public sealed class BackupDrill(Action<string> log) : IAsyncDisposable
{
    public const string AdminKey = "drill-admin";
    private readonly List<EmbeddedPostgres> _clusters = [];
    private readonly List<ApiProcess> _apis = [];

    public string Root { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"ledger-drill-{Guid.NewGuid():N}")).FullName;
    public string BackupDir => Path.Combine(Root, "backup");
    public string TrustedFile => Path.Combine(Root, "trusted-checkpoint.json");
    public string DataDir(string name) => Path.Combine(Root, name);

    public async Task<EmbeddedPostgres> StartClusterAsync(string name)
    {
        var pg = await EmbeddedPostgres.StartAsync(DataDir(name), durable: true);
        _clusters.Add(pg);
        return pg;
    }

    /// <summary>The API on <paramref name="pg"/>, always with the same checkpoint key and trusted checkpoint file.</summary>
    public async Task<(ApiProcess Api, HttpClient Http)> StartApiAsync(EmbeddedPostgres pg)
    {
        var api = new ApiProcess(pg.ConnectionString(), AdminKey, Path.Combine(Root, "checkpoint-key.pem"),
            new Dictionary<string, string> { ["LEDGER_TRUSTED_CHECKPOINT_FILE"] = TrustedFile });
        _apis.Add(api);
        await api.StartAsync();
        return (api, new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(60) });
    }

    /// <summary>Runs infra/backup/<paramref name="script"/>; its output, or an exception carrying it when the exit code is not 0.</summary>
    public async Task<string> RunScriptAsync(string script, params string[] args)
    {
        var psi = new ProcessStartInfo("bash", [Path.Combine(Repo.Root, "infra", "backup", script), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        }
        catch (TimeoutException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }
        var output = (await stdout) + (await stderr);
        log($"$ {script} {string.Join(' ', args)}\n{Shortened(output)}");
        if (p.ExitCode != 0) throw new InvalidOperationException($"{script} exited with {p.ExitCode}:\n{output}");
        return output;
    }

    /// <summary>Long listings (the lost events) are printed once by the test itself: keep their ends only.</summary>
    private static string Shortened(string output)
    {
        var lines = output.TrimEnd().Split('\n');
        return lines.Length <= 12 ? string.Join('\n', lines)
            : string.Join('\n', [.. lines[..4], $"… ({lines.Length - 8} lines)", .. lines[^4..]]);
    }

    public static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, HttpMethod method, string url, string key, string? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static string Body(IEnumerable<JsonObject> events) =>
        new JsonObject { ["events"] = new JsonArray(events.Select(e => (JsonNode)e.DeepClone()).ToArray()) }.ToJsonString();

    /// <summary>Posts one batch that must be accepted; what the service acknowledged.</summary>
    public static async Task<List<Acknowledged>> PostAsync(HttpClient http, string key, IEnumerable<JsonObject> events)
    {
        var (status, body) = await SendAsync(http, HttpMethod.Post, "/api/v1/events", key, Body(events));
        if (status != HttpStatusCode.OK) throw new InvalidOperationException($"POST /api/v1/events answered {(int)status}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("results").EnumerateArray()
            .Select(r => new Acknowledged(r.GetProperty("eventId").GetGuid(), r.GetProperty("sequence").GetInt64(),
                DateTimeOffset.Parse(r.GetProperty("recordedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
    }

    public static async Task<HashSet<Guid>> StoredEventIdsAsync(EmbeddedPostgres pg)
    {
        await using var conn = new NpgsqlConnection(pg.ConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"select id from {LedgerStore.Schema}.mt_events e where not {MartenTombstones.Is()}", conn);
        await using var r = await cmd.ExecuteReaderAsync();
        var ids = new HashSet<Guid>();
        while (await r.ReadAsync()) ids.Add(r.GetGuid(0));
        return ids;
    }

    public static long Bytes(string dir) => new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    public async ValueTask DisposeAsync()
    {
        foreach (var api in _apis) await api.DisposeAsync();
        foreach (var pg in _clusters)
        {
            try { await pg.StopAsync(); } catch (InvalidOperationException e) { log($"stopping {pg.DataDirectory}: {e.Message}"); }
        }
        // A restore interrupted half-way may leave its own recovery server running on a data dir.
        foreach (var dir in Directory.EnumerateDirectories(Root).Where(d => File.Exists(Path.Combine(d, "postmaster.pid"))))
            StopServer(dir);
        try { Directory.Delete(Root, true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static void StopServer(string dataDir)
    {
        var pgCtl = Environment.GetEnvironmentVariable("LEDGER_PG_BIN") is { Length: > 0 } bin ? Path.Combine(bin, "pg_ctl")
            : Directory.Exists("/usr/lib/postgresql") ? Directory.GetFiles("/usr/lib/postgresql", "pg_ctl", SearchOption.AllDirectories).OrderDescending().FirstOrDefault()
            : null;
        if (pgCtl is null || !File.Exists(pgCtl)) return;
        string[] args = ["-D", dataDir, "-m", "immediate", "-w", "stop"];
        using var p = Environment.UserName == "root"
            ? Process.Start("runuser", ["-u", "postgres", "--", pgCtl, .. args])
            : Process.Start(pgCtl, args);
        p?.WaitForExit(30_000);
    }
}
