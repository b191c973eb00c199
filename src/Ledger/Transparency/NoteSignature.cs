using System.Buffers.Binary;

namespace Ledger.Transparency;

/// <summary>
/// One signature line of a signed note, <c>— name base64(key ID || signature)</c>: the key name, the
/// 4-byte key ID and the signature bytes that follow it.
/// </summary>
public sealed class NoteSignature
{
    /// <summary>Em dash (U+2014) and a space open every signature line.</summary>
    public const string LinePrefix = "\u2014 ";

    private readonly byte[] _signature;

    public NoteSignature(string name, uint keyId, ReadOnlySpan<byte> signature)
    {
        if (!NoteKeys.IsValidName(name)) throw new ArgumentException($"not a key name: {name}", nameof(name));
        if (signature.Length == 0) throw new ArgumentException("a signature has at least one byte", nameof(signature));
        Name = name;
        KeyId = keyId;
        _signature = signature.ToArray();
    }

    public string Name { get; }

    public uint KeyId { get; }

    /// <summary>The bytes after the key ID: what the key's algorithm checks.</summary>
    public ReadOnlySpan<byte> Signature => _signature;

    /// <summary>The line, with its final newline.</summary>
    public string Line
    {
        get
        {
            var payload = new byte[4 + _signature.Length];
            BinaryPrimitives.WriteUInt32BigEndian(payload, KeyId);
            _signature.CopyTo(payload, 4);
            return $"{LinePrefix}{Name} {Convert.ToBase64String(payload)}\n";
        }
    }

    /// <summary>Parses one line without its newline; false for anything but the exact form.</summary>
    public static bool TryParseLine(string line, out NoteSignature signature)
    {
        signature = null!;
        if (!line.StartsWith(LinePrefix, StringComparison.Ordinal)) return false;
        var rest = line[LinePrefix.Length..];
        var space = rest.IndexOf(' ');
        if (space < 0) return false;
        var name = rest[..space];
        if (!NoteKeys.IsValidName(name) || !StrictBase64.TryDecode(rest.AsSpan(space + 1), out var payload) || payload.Length < 5) return false;
        signature = new NoteSignature(name, BinaryPrimitives.ReadUInt32BigEndian(payload), payload.AsSpan(4));
        return true;
    }

    /// <summary>
    /// One or more newline-terminated signature lines, as a witness answers add-checkpoint; null if
    /// any line is malformed or there are more than <see cref="SignedNote.MaxSignatures"/>.
    /// </summary>
    public static IReadOnlyList<NoteSignature>? ParseLines(string lines)
    {
        if (lines.Length == 0 || lines[^1] != '\n' || !NoteText.IsAllowed(lines)) return null;
        var result = new List<NoteSignature>();
        foreach (var line in lines[..^1].Split('\n'))
        {
            if (result.Count == SignedNote.MaxSignatures || !TryParseLine(line, out var signature)) return null;
            result.Add(signature);
        }
        return result;
    }
}
