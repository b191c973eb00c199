using System.Buffers.Binary;

namespace LedgerVerify;

/// <summary>One signature line, <c>— name base64(key ID || signature)</c>.</summary>
internal sealed record NoteSignature(string Name, uint KeyId, byte[] Signature)
{
    /// <summary>Em dash (U+2014) and a space open every signature line.</summary>
    public const string Prefix = "\u2014 ";

    /// <summary>The line with its newline.</summary>
    public string Line
    {
        get
        {
            var payload = new byte[4 + Signature.Length];
            BinaryPrimitives.WriteUInt32BigEndian(payload, KeyId);
            Signature.CopyTo(payload, 4);
            return $"{Prefix}{Name} {Convert.ToBase64String(payload)}\n";
        }
    }

    /// <summary>Parses a line without its newline; the FormatException says what is wrong.</summary>
    public static NoteSignature Parse(string line)
    {
        if (!line.StartsWith(Prefix, StringComparison.Ordinal)) throw new FormatException("a signature line starts with '— ' (em dash, space)");
        var rest = line[Prefix.Length..];
        var space = rest.IndexOf(' ');
        if (space < 0) throw new FormatException("a signature line is '— name base64'");
        var name = rest[..space];
        if (!KeyNames.IsValid(name)) throw new FormatException($"'{name}' is not a key name");
        if (!StrictBase64.TryDecode(rest[(space + 1)..], out var payload)) throw new FormatException("the signature is not canonical base64");
        if (payload.Length < 5) throw new FormatException("a signature is a 4-byte key ID and at least one byte");
        return new NoteSignature(name, BinaryPrimitives.ReadUInt32BigEndian(payload), payload[4..]);
    }
}
