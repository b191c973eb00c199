using System.Security.Cryptography;
using System.Text;
using Ledger.Transparency;
using Shouldly;

namespace Ledger.Tests.Transparency;

public sealed class LedgerEntryTests
{
    private static readonly Guid EventId = Guid.Parse("0F8FAD5B-D9CB-469F-A165-70867728950E");

    [Fact]
    public void an_entry_is_the_four_lines_of_the_contract()
    {
        var canonical = Encoding.UTF8.GetBytes("{\"type\":\"FarmlandRegistered\"}");
        var entry = LedgerEntry.For(42, EventId, canonical);
        var expected = "ledger-event/v1\n42\n0f8fad5b-d9cb-469f-a165-70867728950e\n" + Convert.ToBase64String(SHA256.HashData(canonical)) + "\n";
        Encoding.ASCII.GetString(entry.ToBytes()).ShouldBe(expected);
        entry.Index.ShouldBe(41);
        entry.LeafHash.ShouldBe(Hash.Sha256([0x00, .. Encoding.ASCII.GetBytes(expected)]));
    }

    [Fact]
    public void an_entry_reads_back_from_its_bytes()
    {
        var entry = LedgerEntry.For(1, EventId, "x"u8);
        LedgerEntry.TryParse(entry.ToBytes(), out var parsed).ShouldBeTrue();
        parsed.ShouldBe(entry);
    }

    [Theory]
    [InlineData("ledger-event/v1\n42\n0F8FAD5B-D9CB-469F-A165-70867728950E\n{h}\n")] // upper-case id
    [InlineData("ledger-event/v1\n42\n{0f8fad5b-d9cb-469f-a165-70867728950e}\n{h}\n")]
    [InlineData("ledger-event/v1\n42\n0f8fad5bd9cb469fa16570867728950e\n{h}\n")]
    [InlineData("ledger-event/v1\n042\n0f8fad5b-d9cb-469f-a165-70867728950e\n{h}\n")]
    [InlineData("ledger-event/v1\n0\n0f8fad5b-d9cb-469f-a165-70867728950e\n{h}\n")] // sequences start at 1
    [InlineData("ledger-event/v2\n42\n0f8fad5b-d9cb-469f-a165-70867728950e\n{h}\n")]
    [InlineData("ledger-event/v1\n42\n0f8fad5b-d9cb-469f-a165-70867728950e\n{h}")]
    [InlineData("ledger-event/v1\n42\n0f8fad5b-d9cb-469f-a165-70867728950e\n{h}\n\n")]
    [InlineData("ledger-event/v1\r\n42\n0f8fad5b-d9cb-469f-a165-70867728950e\n{h}\n")]
    [InlineData("ledger-event/v1\n42\n0f8fad5b-d9cb-469f-a165-70867728950e\nAAAA\n")]
    public void anything_but_the_exact_spelling_is_refused(string template)
    {
        var text = template.Replace("{h}", Hash.Sha256("x"u8).ToBase64());
        LedgerEntry.TryParse(Encoding.UTF8.GetBytes(text), out _).ShouldBeFalse();
    }

    [Fact]
    public void an_entry_without_a_sequence_or_hash_cannot_be_written()
    {
        Should.Throw<InvalidOperationException>(() => new LedgerEntry(0, EventId, Hash.Sha256("x"u8)).ToBytes());
        Should.Throw<InvalidOperationException>(() => new LedgerEntry(1, EventId, default).ToBytes());
    }
}
