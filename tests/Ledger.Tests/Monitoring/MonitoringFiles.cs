using System.Text.Json;
using System.Text.RegularExpressions;
using Ledger.Tests.Support;

namespace Ledger.Tests.Monitoring;

/// <summary>The dashboard and alert rules in infra/monitoring, read the way Grafana and Prometheus read them.</summary>
public static partial class MonitoringFiles
{
    public static string Folder { get; } = Path.Combine(Repo.Root, "infra", "monitoring");
    public static string Dashboard => Path.Combine(Folder, "ledger-dashboard.json");
    public static string Alerts => Path.Combine(Folder, "ledger-alerts.yml");

    /// <summary>Every panel's PromQL, with Grafana's variables replaced by values plain PromQL accepts.</summary>
    public static IReadOnlyList<string> DashboardQueries()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Dashboard));
        return doc.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!.Replace("$__rate_interval", "5m").Replace("$instance", ".*"))
            .ToList();
    }

    /// <summary>The metric names the dashboard's queries and the alert rules use.</summary>
    public static IReadOnlySet<string> ReferencedMetrics() =>
        DashboardQueries().Append(File.ReadAllText(Alerts)).SelectMany(text => MetricName().Matches(text).Select(m => m.Value)).ToHashSet();

    [GeneratedRegex(@"\b(ledger|db_client|http_server)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();
}
