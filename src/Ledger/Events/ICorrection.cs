namespace Ledger.Events;

/// <summary>An event that amends an earlier event of the same stream; ingest checks the reference exists there.</summary>
public interface ICorrection
{
    Guid? CorrectedEventId { get; }
}
