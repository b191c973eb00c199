using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ledger.Chain;
using Ledger.Tests.Support;
using Ledger.Transparency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Shouldly;
using static Ledger.Tests.Audits.AuditScenarios;

namespace Ledger.Tests.Transparency;

/// <summary>
/// End to end, as an auditor and a court would: issue a report, have the log's checkpoint cosigned
/// by a witness, download the bundle, and check it offline with <c>ledger-verify evidence</c> under
/// the reader's own policy (exit 0); then one byte changed in a cited event, in a proof, in the
/// report, and a policy whose quorum the bundle cannot meet: exit 1 each time, naming what failed.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class EvidenceVerifyTests(LedgerApp app) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ledger-evidence-verify-").FullName;
    private TestWitness _witness = null!;
    private byte[] _bundle = [];
    private string _logKey = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        var writer = await app.KeyAsync("writer");
        var auditor = await app.KeyAsync("auditor");
        await PostOnTheirDatesAsync(app, writer, Troubled());
        SetClock(app, "2024-01-15");
        var reportId = (await app.IssueReportAsync(auditor, TenureId, null)).GetProperty("reportId").GetString()!;

        _logKey = app.Services.GetRequiredService<LogKeys>().SignerFor("catalogue").VerifierKey.ToString();
        _witness = new TestWitness("audit-office.example/witness", VerifierKey.Parse(_logKey));
        await _witness.StartAsync();
        await using var db = NpgsqlDataSource.Create(app.ConnectionString);
        var policy = WitnessPolicy.Parse($"witness office {_witness.Signer.VerifierKey} {_witness.Url}\nquorum office\n");
        (await new Witnessing(policy, new HttpClient(), TimeSpan.FromSeconds(10), NullLogger.Instance).RoundAsync("catalogue", db, default))
            .Single().State.ShouldBe("cosigned");

        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{reportId}/evidence", auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        _bundle = await response.Content.ReadAsByteArrayAsync();
    }

    public async Task DisposeAsync()
    {
        await _witness.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task the_bundle_verifies_offline_under_a_policy_that_requires_the_witness()
    {
        var (code, output) = await VerifyAsync(_bundle, OfficePolicy());
        code.ShouldBe(0, output);
        output.ShouldContain("office");
    }

    [Fact]
    public async Task a_changed_event_text_is_invalid_and_named()
    {
        var files = Bundles.Unzip(_bundle);
        var name = files.Keys.First(k => k.StartsWith("events/", StringComparison.Ordinal));
        files[name] = Flip(files[name], files[name].Length / 2);
        var (code, output) = await VerifyAsync(Zip(files), OfficePolicy());
        code.ShouldBe(1, output);
        output.ShouldContain(name);
    }

    [Fact]
    public async Task a_changed_proof_hash_is_invalid_and_named()
    {
        var files = Bundles.Unzip(_bundle);
        var name = files.Keys.First(k => k.StartsWith("proofs/", StringComparison.Ordinal));
        var lines = Encoding.ASCII.GetString(files[name]).Split('\n');
        var hashLine = Array.FindIndex(lines, l => l.Length == 44 && !l.Contains(' '));
        var hash = Convert.FromBase64String(lines[hashLine]);
        hash[0] ^= 1;
        lines[hashLine] = Convert.ToBase64String(hash);
        files[name] = Encoding.ASCII.GetBytes(string.Join('\n', lines));
        var (code, output) = await VerifyAsync(Zip(files), OfficePolicy());
        code.ShouldBe(1, output);
        output.ShouldContain(name);
    }

    [Fact]
    public async Task a_changed_report_is_invalid_and_named()
    {
        var files = Bundles.Unzip(_bundle);
        var report = Encoding.UTF8.GetString(files["report.json"]);
        // One digit of the score: the report still parses and cites the same events.
        var at = report.IndexOf("\"score\":", StringComparison.Ordinal) + "\"score\":".Length;
        files["report.json"] = Encoding.UTF8.GetBytes(report[..at] + (report[at] == '9' ? '8' : '9') + report[(at + 1)..]);
        var (code, output) = await VerifyAsync(Zip(files), OfficePolicy());
        code.ShouldBe(1, output);
        output.ShouldContain("report.json");
    }

    [Fact]
    public async Task a_policy_whose_quorum_the_bundle_cannot_meet_is_invalid()
    {
        using var other = CosignatureSigner.Generate("province.example/witness");
        var policy = Write("policy-two", $"log {_logKey}\nwitness office {_witness.Signer.VerifierKey}\nwitness province {other.VerifierKey}\n" +
                                         "group both all office province\nquorum both\n");
        var (code, output) = await VerifyAsync(_bundle, policy);
        code.ShouldBe(1, output);
        output.ShouldContain("quorum");
    }

    private string OfficePolicy() => Write("policy", $"log {_logKey}\nwitness office {_witness.Signer.VerifierKey}\nquorum office\n");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<(int Code, string Output)> VerifyAsync(byte[] bundle, string policy)
    {
        var zip = Path.Combine(_folder, $"bundle-{Guid.NewGuid():N}.zip");
        await File.WriteAllBytesAsync(zip, bundle);
        var psi = new ProcessStartInfo("dotnet", [WitnessProcess.Dll, "evidence", zip, "--policy", policy])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (p.ExitCode, await output + await error);
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = bytes.ToArray();
        copy[at] ^= 0x01;
        return copy;
    }

    private static byte[] Zip(IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, bytes) in files)
            {
                using var entry = zip.CreateEntry(name).Open();
                entry.Write(bytes);
            }
        return output.ToArray();
    }
}
