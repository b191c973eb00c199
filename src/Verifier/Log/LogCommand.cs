using System.Diagnostics;

namespace LedgerVerify;

/// <summary>
/// <c>log --policy POLICY (--tiles DIR | --url BASE --key APIKEY --database NAME [--mirror DIR])</c>:
/// what a monitor runs — the checkpoint meets the policy, and the whole tree is recomputed from the
/// entry bundles and hash tiles (<see cref="TreeCheck"/>). From the API, <c>--mirror</c> keeps what
/// was read, so the same check can be run again offline with <c>--tiles</c>.
/// </summary>
internal static class LogCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        var a = Args.Parse(args, single: ["policy", "tiles", "url", "key", "database", "mirror", "parallel"], repeatable: [], many: []);
        if (a.Plain.Count > 0) throw new UsageError($"log takes no argument '{a.Plain[0]}'");
        var policy = Files.ReadPolicy(a.Required("policy"));
        var (tiles, url) = (a.Optional("tiles"), a.Optional("url"));
        if ((tiles is null) == (url is null)) throw new UsageError("log reads either --tiles DIR or --url BASE (with --key and --database)");
        if (tiles is not null && new[] { "key", "database", "mirror" }.FirstOrDefault(o => a.Optional(o) is not null) is { } served)
            throw new UsageError($"--{served} goes with --url, not --tiles");
        var parallel = a.Optional("parallel") is { } p ? int.TryParse(p, out var n) && n is > 0 and <= 64 ? n : throw new UsageError("--parallel is 1…64") : 8;

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        ITileSource source;
        if (tiles is not null)
        {
            if (!Directory.Exists(tiles)) throw new UsageError($"--tiles {tiles} is not a folder");
            source = new FolderTiles(tiles);
        }
        else
        {
            if (!(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https")) throw new UsageError($"--url {url} is not an http(s) URL");
            var mirror = a.Optional("mirror");
            if (mirror is not null) Directory.CreateDirectory(mirror);
            source = new ServedTiles(new LogClient(http, url!, a.Required("key")), a.Required("database"), mirror);
        }

        var watch = Stopwatch.StartNew();
        SignedNote note;
        try
        {
            note = SignedNote.Parse(source.CheckpointAsync().GetAwaiter().GetResult());
        }
        catch (FormatException e)
        {
            throw new Invalid("checkpoint", $"not a signed note: {e.Message}");
        }
        var trusted = Trust.Cosigned(note, policy, "checkpoint");
        if (a.Optional("database") is { } database && trusted.Body.Database != database)
            throw new Invalid("checkpoint", $"is the log of '{trusted.Body.Database}', not '{database}'");
        TreeCheck.RunAsync(source, trusted.Body.Size, trusted.Body.Root, parallel).GetAwaiter().GetResult();
        var seconds = watch.Elapsed.TotalSeconds;
        output.WriteLine($"VALID log {trusted.Body.Origin}: all {trusted.Body.Size} entries and their tiles recompute the checkpoint's root {trusted.Body.RootBase64}");
        output.WriteLine($"  signed by {trusted.LogKey.Label}; cosigned by {(trusted.Cosigners.Count == 0 ? "no witness" : string.Join(", ", trusted.Cosigners))}");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        output.WriteLine($"  {seconds:F2} s, {trusted.Body.Size / Math.Max(seconds, 1e-9):N0} entries/s, {cpu:F2} s of CPU");
        return 0;
    }
}
