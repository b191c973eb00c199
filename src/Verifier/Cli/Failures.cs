namespace LedgerVerify;

/// <summary>
/// A check failed: the evidence is not what it claims to be (exit 1). <see cref="Where"/> names the
/// file, event or line, so the reader of the message can find the bytes that failed.
/// </summary>
public sealed class Invalid(string where, string what) : Exception($"{where}: {what}")
{
    public string Where { get; } = where;

    public string What { get; } = what;
}

/// <summary>The command line (or a file it names, such as the policy) cannot be used (exit 2).</summary>
public sealed class UsageError(string message) : Exception(message);
