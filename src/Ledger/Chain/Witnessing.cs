using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Ledger.Transparency;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ledger.Chain;

/// <summary>What one submission of a checkpoint to one witness came to.</summary>
public sealed record WitnessOutcome(string Database, string Witness, string State, long Size, string? Detail, bool Resynced);

/// <summary>
/// Submits a database's newest checkpoint to every witness of the policy with the C2SP
/// tlog-witness protocol (<c>POST &lt;url&gt;/add-checkpoint</c>: <c>old N</c>, the consistency proof
/// from N, a blank line, the checkpoint) and keeps the cosignatures that verify. A 409 names the
/// size the witness last cosigned: the submission is sent again from there. A witness that does not
/// answer, or does not know the log yet (404), is tried again next round; a 422 (the proof does not
/// lead from what it saw) or a 409 on the same size (another root) is evidence of a fork, kept.
/// </summary>
public sealed class Witnessing(WitnessPolicy policy, HttpClient http, TimeSpan timeout, ILogger log)
{
    /// <summary>A witness answers a few signature lines or a size; anything longer is not an answer.</summary>
    private const int MaxAnswerBytes = 64 * 1024;

    /// <summary>
    /// The size each witness last cosigned, as far as this node knows. Unknown after a request whose
    /// answer was lost (the witness may have stored it): then the next request says <c>old 0</c>
    /// and the witness's 409 says where it is — the resync the protocol provides for.
    /// </summary>
    private readonly ConcurrentDictionary<(string Database, string Witness), long> _known = new();

    public WitnessPolicy Policy => policy;

    public async Task<IReadOnlyList<WitnessOutcome>> RoundAsync(string database, NpgsqlDataSource db, CancellationToken ct)
    {
        var records = new WitnessRecords(db);
        if (await records.NewestAsync(ct) is not { } newest) return [];
        var states = await records.StatesAsync(ct);
        var due = policy.Witnesses.Where(w => w.Url is not null && !(states.TryGetValue(w.Name, out var s) && s.CosignedSize >= newest.Size));
        return await Task.WhenAll(due.Select(w => SubmitAsync(database, db, records, newest, w,
            states.TryGetValue(w.Name, out var s) && s.State == WitnessRecords.Fork, ct)));
    }

    private async Task<WitnessOutcome> SubmitAsync(string database, NpgsqlDataSource db, WitnessRecords records, SignedCheckpoint newest, PolicyWitness witness,
        bool forked, CancellationToken ct)
    {
        var key = (database, witness.Name);
        var old = _known.TryGetValue(key, out var known) ? known : 0;
        var resynced = false;
        var reader = new LogReader(db);
        // Two resyncs at most: a witness that keeps naming new sizes is being moved by someone else too.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (old > newest.Size)
                return await ForkAsync(records, database, witness, newest, old, 409, $"{old}\n", forked,
                    $"the witness has cosigned a tree of {old} entries; this log's newest checkpoint has {newest.Size}: the log was rolled back or replaced", ct);
            var proof = old == 0 ? [] : await reader.ConsistencyAsync(old, newest.Size, ct);
            var body = new StringBuilder().Append("old ").Append(old.ToString(CultureInfo.InvariantCulture)).Append('\n');
            foreach (var hash in proof) body.Append(hash.ToBase64()).Append('\n');
            body.Append('\n').Append(newest.Note);

            HttpResponseMessage answer;
            string text;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, AddCheckpoint(witness.Url!)) { Content = new ByteArrayContent(NoteText.Encode(body.ToString())) };
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                deadline.CancelAfter(timeout);
                answer = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                text = await ReadAsync(answer, deadline.Token);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException && !ct.IsCancellationRequested)
            {
                _known.TryRemove(key, out _);
                return await AnsweredAsync(records, database, witness, WitnessRecords.Unreachable, newest.Size, $"no answer: {e.Message}", resynced, ct);
            }

            using (answer)
            {
                switch (answer.StatusCode)
                {
                    case HttpStatusCode.OK:
                        return await CosignedAsync(records, database, witness, newest, text, key, resynced, ct);
                    case HttpStatusCode.Conflict when TryParseSize(answer, text, out var theirs):
                        if (theirs == old)
                            // Same old size as theirs, yet a conflict: the sizes are equal and the roots are not.
                            return await ForkAsync(records, database, witness, newest, old, 409, text, forked,
                                $"the witness cosigned another tree of {old} entries than this log's", ct);
                        log.LogInformation("Witness {Witness} has cosigned {Theirs} entries of log {Database}, not {Old}: sending the checkpoint of {Size} again from there",
                            witness.Name, theirs, database, old, newest.Size);
                        old = theirs;
                        _known[key] = theirs;
                        resynced = true;
                        continue;
                    case HttpStatusCode.UnprocessableEntity:
                        return await ForkAsync(records, database, witness, newest, old, 422, text, forked,
                            $"the witness found no consistency from the {old} entries it cosigned to this log's {newest.Size}", ct);
                    case HttpStatusCode.NotFound:
                        return await AnsweredAsync(records, database, witness, WitnessRecords.UnknownLog, newest.Size,
                            "the witness does not know this log's origin yet (add the log's verifier key to it)", resynced, ct);
                    default:
                        _known.TryRemove(key, out _);
                        return await AnsweredAsync(records, database, witness, WitnessRecords.Refused, newest.Size,
                            $"answered {(int)answer.StatusCode}: {Clip(text)}", resynced, ct);
                }
            }
        }
        return await AnsweredAsync(records, database, witness, WitnessRecords.Refused, newest.Size, "the witness named a different size three times in a row", resynced, ct);
    }

    private async Task<WitnessOutcome> CosignedAsync(WitnessRecords records, string database, PolicyWitness witness, SignedCheckpoint newest, string text,
        (string, string) key, bool resynced, CancellationToken ct)
    {
        var note = SignedNote.Parse(newest.Note);
        var ours = (NoteSignature.ParseLines(text) ?? [])
            .Where(s => s.Name == witness.Key.Name && s.KeyId == witness.Key.KeyId && witness.Key.ToVerifier().Verify(NoteText.Encode(note.Text), s.Signature))
            .ToList();
        if (ours.Count == 0)
        {
            _known.TryRemove(key, out _);
            return await AnsweredAsync(records, database, witness, WitnessRecords.Refused, newest.Size,
                $"answered 200 without a cosignature by its key {witness.Key}: {Clip(text)}", resynced, ct);
        }
        await records.CosignedAsync(witness.Name, newest.Size, ours[0].Line, DateTimeOffset.UtcNow, ct);
        log.LogDebug("Witness {Witness} cosigned the checkpoint of {Size} of log {Database}", witness.Name, newest.Size, database);
        _known[key] = newest.Size;
        return new WitnessOutcome(database, witness.Name, WitnessRecords.Cosigned, newest.Size, null, resynced);
    }

    private async Task<WitnessOutcome> ForkAsync(WitnessRecords records, string database, PolicyWitness witness, SignedCheckpoint newest, long old, int status,
        string answer, bool forked, string detail, CancellationToken ct)
    {
        if (forked)
        {
            // Still refusing: the first refusal's evidence is kept; a row every round would grow without end.
            log.LogWarning("Witness {Witness} still refuses log {Database} ({Status}): {Detail}", witness.Name, database, status, detail);
            await records.AnsweredAsync(witness.Name, WitnessRecords.Fork, detail, DateTimeOffset.UtcNow, ct);
            return new WitnessOutcome(database, witness.Name, WitnessRecords.Fork, newest.Size, detail, false);
        }
        // Both sides in one line: what this log sent, and what the witness answered to it.
        log.LogError("FORK: witness {Witness} refuses log {Database}: {Detail}. Sent old {Old} and checkpoint:\n{Checkpoint}Answer {Status}: {Answer}",
            witness.Name, database, detail, old, newest.Note, status, answer);
        await records.ForkAsync(new ForkEvidence(witness.Name, old, newest.Note, status, answer, detail), DateTimeOffset.UtcNow, ct);
        return new WitnessOutcome(database, witness.Name, WitnessRecords.Fork, newest.Size, detail, false);
    }

    private async Task<WitnessOutcome> AnsweredAsync(WitnessRecords records, string database, PolicyWitness witness, string state, long size, string detail,
        bool resynced, CancellationToken ct)
    {
        log.LogWarning("Witness {Witness} did not cosign the checkpoint of {Size} of log {Database}: {Detail}", witness.Name, size, database, detail);
        await records.AnsweredAsync(witness.Name, state, detail, DateTimeOffset.UtcNow, ct);
        return new WitnessOutcome(database, witness.Name, state, size, detail, resynced);
    }

    private static Uri AddCheckpoint(Uri prefix) => new(prefix.ToString().TrimEnd('/') + "/add-checkpoint");

    private static bool TryParseSize(HttpResponseMessage answer, string text, out long size)
    {
        size = 0;
        return answer.Content.Headers.ContentType?.MediaType == "text/x.tlog.size" && text.EndsWith('\n') && DecimalText.TryParse(text[..^1], out size);
    }

    private static async Task<string> ReadAsync(HttpResponseMessage answer, CancellationToken ct)
    {
        await using var stream = await answer.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxAnswerBytes + 1];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), ct) is var n and > 0) read += n;
        return Encoding.UTF8.GetString(buffer, 0, Math.Min(read, MaxAnswerBytes));
    }

    private static string Clip(string s) => s.Length <= 300 ? s.TrimEnd('\n') : s[..300] + "…";
}
