using NodaTime;

namespace Ledger.Events;

/// <summary>The current state of one stream, stored as a document beside the events it folds.</summary>
public interface IStreamState
{
    /// <summary>The Marten stream key: <c>domain:key</c>.</summary>
    string Id { get; }
    long Version { get; }
    string RegionCode { get; }
    /// <summary>The effective date of the stream's creating event.</summary>
    LocalDate OpenedOn { get; }
}

public sealed record RuleError(string Field, string Message);

/// <summary>What a rule may look at besides the stream itself. No I/O, no clock.</summary>
public sealed record RuleContext(LocalDate Today, Func<string, Regions.RegionState?> Region, Regions.Lineage? Lineage = null)
{
    public Regions.Lineage Codes => Lineage ?? Regions.Lineage.Empty;
}

public interface IStreamRules
{
    string Domain { get; }
    Type StateType { get; }
    IEnumerable<RuleError> Check(IStreamState? state, ILedgerEvent e, RuleContext context);
    IStreamState Apply(IStreamState? state, ILedgerEvent e, string id, long version);
}

/// <summary>
/// Pure decisions for one stream kind: <see cref="Check"/> says why an event may not be
/// appended to the state; <see cref="Apply"/> folds an accepted event into the next state.
/// The same Apply serves ingest, replay as of any date, and rebuilds.
/// </summary>
public abstract class StreamRules<TState> : IStreamRules where TState : class, IStreamState
{
    public abstract string Domain { get; }
    public Type StateType => typeof(TState);

    protected abstract IEnumerable<RuleError> Check(TState? state, ILedgerEvent e, RuleContext context);
    protected abstract TState Apply(TState? state, ILedgerEvent e, string id, long version);

    IEnumerable<RuleError> IStreamRules.Check(IStreamState? state, ILedgerEvent e, RuleContext context) =>
        Check((TState?)state, e, context);

    IStreamState IStreamRules.Apply(IStreamState? state, ILedgerEvent e, string id, long version) =>
        Apply((TState?)state, e, id, version);

    protected static RuleError Error(string field, string message) => new(field, message);

    protected static TState Require(TState? state) =>
        state ?? throw new InvalidOperationException("Rules are applied to an existing stream only after the creation check.");

    protected static string Ha(decimal value) => $"{value:0.####} ha";
}
