using System.Text.Json;
using Ledger.Chain;
using NodaTime.Text;

namespace Ledger.Api.Investigations;

/// <summary>The exported form of checkpoints: what an auditor keeps outside the database.</summary>
public static class CheckpointJson
{
    public static object Of(Checkpoint c) => new
    {
        position = c.Position,
        hash = Convert.ToHexStringLower(c.Hash),
        signedAt = InstantPattern.ExtendedIso.Format(c.SignedAt),
        signature = Convert.ToBase64String(c.Signature),
        message = c.Message,
    };

    public static List<Checkpoint> Parse(JsonElement array) => array.EnumerateArray().Select(e => new Checkpoint(
        e.GetProperty("position").GetInt64(),
        Convert.FromHexString(e.GetProperty("hash").GetString()!),
        InstantPattern.ExtendedIso.Parse(e.GetProperty("signedAt").GetString()!).GetValueOrThrow(),
        Convert.FromBase64String(e.GetProperty("signature").GetString()!))).ToList();
}
