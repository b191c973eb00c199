namespace LedgerVerify;

/// <summary>A quorum or group definition: whether a set of cosigning witnesses (by policy name) meets it.</summary>
internal abstract record QuorumRule(string Name)
{
    public abstract bool IsMetBy(IReadOnlySet<string> cosigned);

    /// <summary>The rule in the policy's own words, for messages.</summary>
    public abstract string Describe();
}

internal sealed record NoneRule() : QuorumRule("none")
{
    public override bool IsMetBy(IReadOnlySet<string> cosigned) => true;

    public override string Describe() => "none (no cosignature needed)";
}

internal sealed record WitnessRule(string Witness) : QuorumRule(Witness)
{
    public override bool IsMetBy(IReadOnlySet<string> cosigned) => cosigned.Contains(Witness);

    public override string Describe() => $"witness {Witness}";
}

internal sealed record GroupRule(string Group, int Threshold, IReadOnlyList<QuorumRule> Members) : QuorumRule(Group)
{
    public override bool IsMetBy(IReadOnlySet<string> cosigned) => Members.Count(m => m.IsMetBy(cosigned)) >= Threshold;

    public override string Describe() =>
        $"group {Group}: {Threshold} of {Members.Count} ({string.Join(", ", Members.Select(m => m is GroupRule g ? g.Describe() : m.Name))})";
}
