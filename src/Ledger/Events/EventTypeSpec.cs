namespace Ledger.Events;

/// <summary>A cross-field check on already well-formed values: returns (field, message) pairs.</summary>
public delegate IEnumerable<(string Field, string Message)> CrossFieldCheck(EventValues values);

/// <summary>
/// A wire event type: its name (<c>farmland.occupied</c>), the stream domain it lives in,
/// whether it creates its stream, its data fields and how to build the domain event.
/// </summary>
public sealed record EventTypeSpec(
    string Name,
    Type ClrType,
    bool CreatesStream,
    string Description,
    IReadOnlyList<FieldSpec> Fields,
    Func<EventValues, ILedgerEvent> Build,
    CrossFieldCheck? Check = null)
{
    public string Domain => Name[..Name.IndexOf('.')];

    public static EventTypeSpec For<T>(string name, bool creates, string description,
        FieldSpec[] fields, Func<EventValues, T> build, CrossFieldCheck? check = null)
        where T : ILedgerEvent =>
        new(name, typeof(T), creates, description, fields, v => build(v), check);
}
