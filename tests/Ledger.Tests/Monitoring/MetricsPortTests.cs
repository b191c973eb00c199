using System.Net;
using System.Net.Sockets;
using Ledger.Storage;
using Ledger.Tests.Reliability;
using Ledger.Tests.Support;
using Shouldly;

namespace Ledger.Tests.Monitoring;

/// <summary>
/// Two nodes on one host: the second one's metrics listener cannot have the port the first holds.
/// It must refuse to start with a line naming LEDGER_METRICS_URLS, not die of an unhandled bind
/// exception, and the first node must go on serving.
/// </summary>
public sealed class MetricsPortTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"ledger-ports-{Guid.NewGuid():N}");
    private EmbeddedPostgres _pg = null!;

    public async Task InitializeAsync() => _pg = await EmbeddedPostgres.StartAsync(_dir, durable: false);

    public async Task DisposeAsync()
    {
        await _pg.StopAsync();
        ServiceFolder.Remove(_dir);
    }

    [Fact]
    public async Task a_second_node_on_the_first_nodes_metrics_port_refuses_to_start_naming_the_setting()
    {
        await using var first = Node();
        await first.StartAsync();
        await using var second = Node(new() { ["LEDGER_METRICS_URLS"] = first.MetricsAddress.ToString() });

        var refusal = await RefusalAsync(second);
        refusal.ShouldContain($"Refusing to start: cannot listen on {first.MetricsAddress} (LEDGER_METRICS_URLS)");
        refusal.ShouldContain($"port {first.MetricsPort} on 127.0.0.1 is already in use");
        refusal.ShouldContain("each node on one host needs its own LEDGER_METRICS_URLS");

        using var http = new HttpClient { BaseAddress = first.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        (await http.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.OK, "the first node is untouched");
    }

    /// <summary>The case as operators meet it: LEDGER_METRICS_URLS unset on both, so both want 9464 (held here by the test, or by whatever already has it).</summary>
    [Fact]
    public async Task with_the_default_metrics_port_taken_the_refusal_says_the_default_is_in_use()
    {
        using var holder = Hold(9464);
        await using var node = Node(new() { ["LEDGER_METRICS_URLS"] = "" });
        var refusal = await RefusalAsync(node);
        refusal.ShouldContain("cannot listen on http://127.0.0.1:9464 (LEDGER_METRICS_URLS, not set, so its default)");
        refusal.ShouldContain("LEDGER_METRICS_URLS=http://127.0.0.1:9465");
    }

    [Fact]
    public async Task a_taken_api_port_names_the_api_setting()
    {
        await using var node = Node();
        using var holder = Hold(node.Port);
        (await RefusalAsync(node)).ShouldContain($"cannot listen on {node.BaseAddress} (the API's address: --urls or LEDGER_URLS)");
    }

    private ApiProcess Node(Dictionary<string, string>? environment = null) =>
        new(_pg.ConnectionString(), "ports-admin", ServiceFolder.KeyFile(_dir), environment);

    /// <summary>Starts the node, expects it to exit 1, and returns what it wrote, having checked it holds no stack trace.</summary>
    private static async Task<string> RefusalAsync(ApiProcess node)
    {
        await Should.ThrowAsync<InvalidOperationException>(node.StartAsync);
        await node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        node.ExitCode.ShouldBe(1);
        var output = string.Join('\n', node.Output);
        output.ShouldNotContain("Unhandled exception");
        output.ShouldNotContain("   at ");
        return output;
    }

    /// <summary>A listener on <paramref name="port"/>; null when something else already listens there (the port is taken either way).</summary>
    private static TcpListener? Hold(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return listener;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return null;
        }
    }
}
