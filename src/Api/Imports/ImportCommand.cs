using System.Net.Http.Headers;
using System.Text.Json;

namespace Ledger.Api.Imports;

/// <summary>
/// <c>import FILE --layer L --effective-date D [--mapping JSON] [--url U]</c>: an operator's way to
/// run an import against a running service (the key in <c>LEDGER_API_KEY</c>, so it is not in the
/// shell history), with a progress bar until the job ends. Exit 0 when done, 1 when the upload or
/// the job failed, 2 on a usage error.
/// </summary>
public static class ImportCommand
{
    private const string Usage = "usage: import FILE --layer farmland|redline|mining --effective-date YYYY-MM-DD [--mapping JSON] [--url http://127.0.0.1:5080]\n" +
                                 "       (the writer key in LEDGER_API_KEY)";

    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "import";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, HttpMessageHandler? handler = null)
    {
        var options = new Dictionary<string, string>();
        string? file = null;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length) options[args[i][2..]] = args[++i];
            else if (file is null && !args[i].StartsWith("--", StringComparison.Ordinal)) file = args[i];
            else { await error.WriteLineAsync($"unexpected argument {args[i]}\n{Usage}"); return 2; }
        }
        var key = Environment.GetEnvironmentVariable("LEDGER_API_KEY");
        if (file is null || !options.ContainsKey("layer") || !options.ContainsKey("effective-date") || string.IsNullOrEmpty(key))
        {
            await error.WriteLineAsync(string.IsNullOrEmpty(key) && file is not null ? $"LEDGER_API_KEY is not set\n{Usage}" : Usage);
            return 2;
        }
        if (!File.Exists(file)) { await error.WriteLineAsync($"no such file: {file}"); return 2; }

        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = new Uri(options.GetValueOrDefault("url") ?? "http://127.0.0.1:5080");
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        http.Timeout = TimeSpan.FromMinutes(30);

        using var content = new MultipartFormDataContent();
        var stream = File.OpenRead(file);
        var part = new StreamContent(stream);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(part, "file", Path.GetFileName(file));
        content.Add(new StringContent(options["layer"]), "layer");
        content.Add(new StringContent(options["effective-date"]), "effectiveDate");
        if (options.TryGetValue("mapping", out var mapping)) content.Add(new StringContent(mapping), "mapping");
        await output.WriteLineAsync($"Uploading {Path.GetFileName(file)} ({new FileInfo(file).Length / 1024.0 / 1024.0:N1} MiB) to {http.BaseAddress} ...");
        using var posted = await http.PostAsync("/api/v1/imports", content);
        var body = await posted.Content.ReadAsStringAsync();
        if ((int)posted.StatusCode != 202)
        {
            await error.WriteLineAsync($"refused ({(int)posted.StatusCode}): {Explain(body)}");
            return 1;
        }
        var id = JsonDocument.Parse(body).RootElement.GetProperty("importId").GetString()!;
        await output.WriteLineAsync($"Import {id} queued.");

        var interactive = !Console.IsErrorRedirected && ReferenceEquals(error, Console.Error);
        var lastLine = DateTime.MinValue;
        while (true)
        {
            // The server holds each answer until the job's next progress row (or 5 s): no client-side sleeping.
            using var status = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/imports/{id}?waitSeconds=5"));
            var s = status.RootElement;
            var line = Progress(s);
            var state = s.GetProperty("status").GetString();
            var finished = state is "done" or "failed";
            if (interactive) await error.WriteAsync($"\r{line}   ");
            else if (finished || DateTime.UtcNow - lastLine > TimeSpan.FromSeconds(5)) { await error.WriteLineAsync(line); lastLine = DateTime.UtcNow; }
            if (finished)
            {
                if (interactive) await error.WriteLineAsync();
                foreach (var r in s.GetProperty("rejected").EnumerateArray().Take(20))
                    await output.WriteLineAsync($"  feature {r.GetProperty("feature").GetInt32()}: {string.Join("; ", r.GetProperty("reasons").EnumerateArray().Select(x => x.GetString()))}");
                if (s.GetProperty("rejectedCount").GetInt32() > 20) await output.WriteLineAsync($"  … all rejections at {http.BaseAddress}api/v1/imports/{id}");
                if (state == "failed") await error.WriteLineAsync($"failed: {s.GetProperty("message").GetString()}");
                return state == "done" ? 0 : 1;
            }
        }
    }

    /// <summary><c>[########------------] 4,000/10,000 features · 3,950 appended · 0 duplicates · 40 skipped · 10 rejected</c>.</summary>
    public static string Progress(JsonElement s)
    {
        var read = s.GetProperty("featuresRead").GetInt32();
        var total = s.TryGetProperty("featuresTotal", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : (int?)null;
        var filled = total is > 0 ? (int)Math.Round(20.0 * read / total.Value) : 0;
        var bar = total is null ? "" : $"[{new string('#', filled)}{new string('-', 20 - filled)}] ";
        return $"{bar}{read:N0}{(total is null ? "" : $"/{total:N0}")} features · {s.GetProperty("appended").GetInt32():N0} appended · " +
               $"{s.GetProperty("duplicates").GetInt32():N0} duplicates · {s.GetProperty("skipped").GetInt32():N0} skipped · " +
               $"{s.GetProperty("rejectedCount").GetInt32():N0} rejected ({s.GetProperty("status").GetString()})";
    }

    private static string Explain(string problem)
    {
        try
        {
            var p = JsonDocument.Parse(problem).RootElement;
            return p.TryGetProperty("detail", out var d) ? d.GetString() ?? problem : problem;
        }
        catch (JsonException)
        {
            return problem;
        }
    }
}
