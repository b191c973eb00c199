using Ledger.Storage;
using Npgsql;

namespace Ledger.Bench;

/// <summary>Runs some reads once on connections that log every statement's plan and timings (auto_explain), and prints those plans from the server log.</summary>
internal static class Explained
{
    /// <param name="prepared">The API's own auto-preparing (<see cref="Postgis.AutoPrepared"/>): a statement run again and again is
    /// prepared, and PostgreSQL may plan it once for any values (a generic plan) from its sixth run on.</param>
    public static async Task RunAsync(EmbeddedPostgres pg, string title, Func<NpgsqlDataSource, Task> reads, string database = "ledger", int minMs = 1,
        bool prepared = false)
    {
        var log = Path.Combine(pg.DataDirectory, "server.log");
        var start = new FileInfo(log).Length;
        var options = $"-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration={minMs} -c auto_explain.log_analyze=on " +
                      "-c auto_explain.log_buffers=on -c auto_explain.log_timing=on";
        await using (var explained = new NpgsqlDataSourceBuilder(pg.ConnectionString(database) + $";Options='{options}'" +
                                                                       (prepared ? $";Max Auto Prepare={Postgis.AutoPrepared}" : "")).Build())
            await reads(explained);
        await using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(start, SeekOrigin.Begin);
        Console.WriteLine($"\nPlans of the statements of {minMs} ms or more of {title} (auto_explain):\n");
        Console.WriteLine(await new StreamReader(stream).ReadToEndAsync());
    }
}
