using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Ledger.Storage;
using Npgsql;
using Shouldly;

namespace Ledger.Tests.Storage;

/// <summary>
/// The embedded cluster trusts whoever connects locally, so it must be reachable only through
/// its 0700 socket directory: never on 127.0.0.1, where any local user could be its superuser.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class EmbeddedPostgresTests : IAsyncLifetime
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private static readonly string Bin = Environment.GetEnvironmentVariable("LEDGER_PG_BIN") is { Length: > 0 } b ? b
        : Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).First(d => File.Exists(Path.Combine(d, "pg_ctl")));
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"ledger-socket-{Guid.NewGuid():N}");

    [Fact]
    public async Task the_cluster_listens_only_on_a_private_socket_and_refuses_tcp()
    {
        await using var pg = await EmbeddedPostgres.StartAsync(_dir, durable: false);

        File.GetUnixFileMode(pg.SocketDirectory).ShouldBe(OwnerOnly);
        if (ServerAccount.IsRoot) (await Owner(pg.SocketDirectory)).ShouldBe(ServerAccount.Name);
        pg.ConnectionString().ShouldNotContain("127.0.0.1");
        await ShouldRefuseTcp(pg.Port);

        (await Scalar(pg.ConnectionString(), "show listen_addresses")).ShouldBe("");
        (await Scalar(pg.ConnectionString(), "select count(*)::text from pg_hba_file_rules where type like 'host%' and auth_method = 'trust'")).ShouldBe("0");

        await pg.RestartImmediateAsync();
        NpgsqlConnection.ClearAllPools(); // the pooled connections died with the server
        (await Scalar(pg.ConnectionString(), "select 'after restart'")).ShouldBe("after restart");
        await ShouldRefuseTcp(pg.Port);

        await using (var again = await EmbeddedPostgres.StartAsync(_dir, durable: false))
        {
            again.SocketDirectory.ShouldBe(pg.SocketDirectory, "a running cluster is reused through its socket");
            again.Port.ShouldBe(pg.Port);
        }
        (await Scalar(pg.ConnectionString(), "select 'still up'")).ShouldBe("still up", "only the starter stops the cluster");
    }

    [Fact]
    public async Task a_trusting_cluster_left_running_on_tcp_by_an_older_version_comes_back_on_its_socket_only()
    {
        Directory.CreateDirectory(_dir);
        await ServerAccount.HandOver(_dir);
        await Server(Bin, "initdb", "-D", _dir, "-U", "ledger", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        var oldPort = FreePort();
        await Server(Bin, "pg_ctl", "-D", _dir, "-o", $"-p {oldPort} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off",
            "-l", Path.Combine(_dir, "server.log"), "-w", "start");
        (await Scalar($"Host=127.0.0.1;Port={oldPort};Username=ledger;Database=postgres;Pooling=false", "select 'old way'")).ShouldBe("old way");

        await using var pg = await EmbeddedPostgres.StartAsync(_dir, durable: false);

        (await Scalar(pg.ConnectionString(), "select 'socket'")).ShouldBe("socket");
        await ShouldRefuseTcp(oldPort);
        await ShouldRefuseTcp(pg.Port);
    }

    [Fact]
    public void a_data_directory_too_deep_for_a_socket_path_gets_a_private_socket_directory_under_temp()
    {
        var deep = Path.Combine(_dir, new string('d', 60), new string('e', 60), "pg");
        var socket = PostgresSocket.DirectoryFor(deep);
        try
        {
            PostgresSocket.Fits(deep + "-run").ShouldBeFalse();
            socket.ShouldStartWith(Path.GetTempPath());
            PostgresSocket.Fits(socket).ShouldBeTrue();
            File.GetUnixFileMode(socket).ShouldBe(OwnerOnly);
        }
        finally
        {
            Directory.Delete(socket);
        }
    }

    private static async Task ShouldRefuseTcp(int port)
    {
        using var client = new TcpClient();
        var refused = await Should.ThrowAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(5)));
        refused.SocketErrorCode.ShouldBe(SocketError.ConnectionRefused);
    }

    private static async Task<string> Scalar(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private static Task Server(string bin, string tool, params string[] args) => ServerAccount.Run(Path.Combine(bin, tool), args);

    private static async Task<string> Owner(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("stat", ["-c", "%U", path]) { RedirectStandardOutput = true })!;
        var owner = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return owner.Trim();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // A failed test must not leave a server behind (the old-style one is started by hand).
        if (File.Exists(Path.Combine(_dir, "postmaster.pid")))
            try { await Server(Bin, "pg_ctl", "-D", _dir, "-m", "immediate", "-w", "stop"); } catch (InvalidOperationException) { }
        try { Directory.Delete(_dir, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
