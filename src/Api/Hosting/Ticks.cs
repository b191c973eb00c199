namespace Ledger.Api.Hosting;

public static class Ticks
{
    /// <summary>The next tick of a background loop's timer; false (not an exception) when the host is stopping.</summary>
    public static async Task<bool> NextAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
