using System.Globalization;
using System.Text;

namespace LedgerVerify;

/// <summary>
/// The two proof resources of the ledger's log API, fetched with an API key:
/// <c>proof/consistency?from=&amp;to=</c> (one base64 hash per line) and
/// <c>proof/inclusion?index=&amp;size=</c> (a tlog-proof whose extra is the entry).
/// </summary>
internal sealed class LogClient(HttpClient http, string baseUrl, string apiKey)
{
    private const int MaxAnswerBytes = 2 << 20;

    public async Task<IReadOnlyList<byte[]>> ConsistencyAsync(string database, long from, long to)
    {
        var url = Url(database, $"proof/consistency?from={from}&to={to}");
        return ProofLines.Parse(await GetAsync(url), url);
    }

    public async Task<TlogProof> InclusionAsync(string database, long index, long size)
    {
        var url = Url(database, $"proof/inclusion?index={index}&size={size}");
        try
        {
            return TlogProof.Parse(await GetAsync(url));
        }
        catch (FormatException e)
        {
            throw new Invalid(url, $"not a tlog proof: {e.Message}");
        }
    }

    /// <summary>Any resource under the log, such as <c>checkpoint</c> or a tile's path.</summary>
    public Task<byte[]> ResourceAsync(string database, string resource) => GetAsync(Url(database, resource));

    private string Url(string database, string resource) =>
        string.Create(CultureInfo.InvariantCulture, $"{baseUrl.TrimEnd('/')}/api/v1/ledger/logs/{Uri.EscapeDataString(database)}/{resource}");

    private async Task<byte[]> GetAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Api-Key", apiKey);
        HttpResponseMessage answer;
        try
        {
            answer = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new Invalid(url, $"cannot fetch: {e.Message}");
        }
        using (answer)
        {
            await using var stream = await answer.Content.ReadAsStreamAsync();
            var body = new MemoryStream();
            var buffer = new byte[16384];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                if (body.Length + read > MaxAnswerBytes) throw new Invalid(url, $"the answer is larger than {MaxAnswerBytes} bytes");
                body.Write(buffer, 0, read);
            }
            if (!answer.IsSuccessStatusCode)
            {
                var text = Encoding.UTF8.GetString(body.ToArray());
                throw new Invalid(url, $"answered {(int)answer.StatusCode}: {Checkpoint.Clip(text.ReplaceLineEndings(" "))}");
            }
            return body.ToArray();
        }
    }
}

/// <summary>A consistency proof as the log serves it and as a --proof file holds it: one base64 SHA-256 hash per line, each line newline-terminated.</summary>
internal static class ProofLines
{
    public static IReadOnlyList<byte[]> Parse(byte[] bytes, string where)
    {
        var text = Encoding.ASCII.GetString(bytes);
        if (bytes.Any(b => b > 0x7E)) throw new Invalid(where, "a consistency proof is ASCII base64 lines");
        if (text.Length == 0) return [];
        if (text[^1] != '\n') throw new Invalid(where, "the last line does not end in a newline");
        var lines = text[..^1].Split('\n');
        if (lines.Length > 63) throw new Invalid(where, "a consistency proof has at most 63 hashes");
        var hashes = new List<byte[]>();
        for (var i = 0; i < lines.Length; i++)
            hashes.Add(StrictBase64.TryDecodeHash(lines[i], out var hash) ? hash : throw new Invalid($"{where} line {i + 1}", "not the base64 of a 32-byte hash"));
        return hashes;
    }
}
