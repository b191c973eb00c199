namespace LedgerVerify;

/// <summary>
/// The failures of one run, collected so that one bad event does not hide the next. Checks whose
/// failure makes the later ones meaningless (an unreadable zip, an untrusted checkpoint) throw instead.
/// </summary>
internal sealed class Problems
{
    private readonly List<Invalid> _found = [];

    public int Count => _found.Count;

    public void Add(string where, string what) => _found.Add(new Invalid(where, what));

    /// <summary>Runs one check; its <see cref="Invalid"/> is recorded, not thrown.</summary>
    public void Check(Action check)
    {
        try
        {
            check();
        }
        catch (Invalid e)
        {
            _found.Add(e);
        }
    }

    /// <summary>Prints each problem and a last line naming what was checked; the exit code 1.</summary>
    public int Report(TextWriter output, string subject)
    {
        foreach (var p in _found) output.WriteLine($"INVALID {p.Where}: {p.What}");
        output.WriteLine($"INVALID: {_found.Count} problem{(_found.Count == 1 ? "" : "s")} in {subject}");
        return 1;
    }
}
