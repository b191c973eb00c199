using Shouldly;
using Xunit.Abstractions;

namespace Ledger.Tests.Reliability;

/// <summary>
/// Quick variant of the crash harness (CI): 4 clients, the API SIGKILLed twice and PostgreSQL
/// restarted in immediate mode once while they post. The long variant is infra/crash/run.sh.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task acknowledged_events_survive_kills_and_a_database_restart_exactly_once()
    {
        var kills = int.TryParse(Environment.GetEnvironmentVariable("LEDGER_CRASH_KILLS"), out var k) ? k : 2;
        var batches = int.TryParse(Environment.GetEnvironmentVariable("LEDGER_CRASH_BATCHES"), out var b) ? b : 15;

        var report = await CrashHarness.RunAsync(clients: 4, minBatchesPerClient: batches, batchSize: 100, kills: kills, restartDatabase: true);

        output.WriteLine(report.ToString());
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "ledger-crash-report.txt"), report.ToString());
        report.ApiKills.ShouldBe(kills);
        report.DatabaseRestarts.ShouldBe(1);
        report.EventsAcknowledged.ShouldBeGreaterThanOrEqualTo(4 * batches * 100);
        report.NothingLost.ShouldBeTrue(report.ToString());
    }
}
