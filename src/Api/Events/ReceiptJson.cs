using Ledger.Chain;

namespace Ledger.Api.Events;

/// <summary>A receipt as the contract writes it: <c>{"log","checkpoint","entries":[{"eventId","index","entry"}]}</c>; null (left out) while the log is being built.</summary>
public static class ReceiptJson
{
    public static object? Of(Receipt? receipt) => receipt is null ? null : new
    {
        log = receipt.Log, checkpoint = receipt.Checkpoint,
        entries = receipt.Entries.Select(e => new { eventId = e.EventId, index = e.Index, entry = e.Entry }),
    };
}
