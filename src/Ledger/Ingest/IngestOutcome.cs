namespace Ledger.Ingest;

/// <summary>Either every event of the batch is stored (or was already), or none is and the errors say why.</summary>
public sealed record IngestOutcome(IReadOnlyList<IngestResult> Results, IngestRejection? Rejection)
{
    /// <summary>The log's receipt for a stored batch (contract 1.6); null while the log is being built.</summary>
    public Chain.Receipt? Receipt { get; init; }

    public static IngestOutcome Stored(IReadOnlyList<IngestResult> results) => new(results, null);

    public static IngestOutcome Rejected(int status, string title, IReadOnlyList<ItemError> errors) =>
        new([], new IngestRejection(status, title, errors));
}

/// <param name="Status">409 for conflicts (eventId reuse, expectedVersion), 422 for rules against the ledger's state.</param>
public sealed record IngestRejection(int Status, string Title, IReadOnlyList<ItemError> Errors);
