using System.Text;
using Shouldly;

namespace Ledger.Tests.Monitoring;

public sealed class MonitoringFilesTests
{
    [Fact]
    public async Task the_alert_rules_pass_promtool_and_fire_as_their_unit_tests_expect()
    {
        await Promtool.CheckAsync(null, "check", "rules", MonitoringFiles.Alerts);
        await Promtool.CheckAsync(null, "test", "rules", Path.Combine(MonitoringFiles.Folder, "ledger-alerts.test.yml"));
        await Promtool.CheckAsync(null, "check", "config", Path.Combine(MonitoringFiles.Folder, "prometheus.yml"));
    }

    [Fact]
    public async Task every_dashboard_query_is_valid_promql()
    {
        var queries = MonitoringFiles.DashboardQueries();
        queries.Count.ShouldBeGreaterThan(10);
        // promtool parses PromQL in rule files: one recording rule per panel query.
        var rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (var i = 0; i < queries.Count; i++)
            rules.Append($"      - record: dashboard:query{i}\n        expr: |\n          {queries[i]}\n");
        var file = Path.Combine(Path.GetTempPath(), $"ledger-dashboard-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, rules.ToString());
        try
        {
            await Promtool.CheckAsync(null, "check", "rules", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void the_dashboard_shows_ingest_latency_rejections_reads_verification_pool_chain_and_checkpoints()
    {
        string[] required = [
            "ledger_events_appended_total", "ledger_ingest_duration_seconds_bucket", "ledger_ingest_rejections_total",
            "ledger_balance_sheet_duration_seconds_bucket", "ledger_audit_duration_seconds_bucket", "ledger_verify_duration_seconds_bucket",
            "ledger_verify_ok", "ledger_rollback_blocked", "ledger_rate_limit_refusals_total", "db_client_connections_usage",
            "ledger_chain_head", "ledger_checkpoint_age_seconds",
        ];
        required.Except(MonitoringFiles.ReferencedMetrics()).ShouldBeEmpty();
    }
}
