using Ledger.Investigations;
using Npgsql;

namespace Ledger.Api.Hosting;

/// <summary>
/// At start, names every region, stream or key already stored with a code the rules now refuse
/// (see <see cref="StoredCodeCheck"/>). The service still starts — refusing would hide the
/// evidence from the investigators who must look at it — but says so loudly; verify reports the same.
/// </summary>
public sealed class StoredCodeStartupCheck(NpgsqlDataSource db, ILogger<StoredCodeStartupCheck> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        try
        {
            var problems = await StoredCodeCheck.RunAsync(db, ct);
            foreach (var p in problems) log.LogError("Stored data breaks the code rules: {Problem}", p.What);
            if (problems.Count > 0)
                log.LogError("{Count} stored codes, keys or names break the rules (at most {Max} listed); see GET /api/v1/ledger/verify",
                    problems.Count, StoredCodeCheck.MaxReported);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Could not check the stored codes");
        }
    }
}
