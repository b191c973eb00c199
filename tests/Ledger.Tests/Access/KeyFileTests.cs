using System.Diagnostics;
using System.Runtime.Versioning;
using Ledger.Api.Hosting;
using Ledger.Tests.Support;
using Microsoft.Extensions.Configuration;
using Shouldly;

namespace Ledger.Tests.Access;

/// <summary>Secrets on disk are the owner's alone from the moment they exist, whatever the umask.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class KeyFileTests : IDisposable
{
    private const UnixFileMode ReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnly = ReadWrite | UnixFileMode.UserExecute;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"ledger-keys-{Guid.NewGuid():N}");

    [Fact]
    public void a_generated_checkpoint_key_is_0600_in_a_0700_folder_and_is_read_back_next_time()
    {
        var file = Path.Combine(_dir, "keys", "checkpoint-key.pem");
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["LEDGER_CHECKPOINT_KEY_FILE"] = file }).Build();

        var generated = CheckpointKey.Load(config, embeddedDataDir: null);

        File.GetUnixFileMode(file).ShouldBe(ReadWrite);
        File.GetUnixFileMode(Path.GetDirectoryName(file)!).ShouldBe(OwnerOnly);
        CheckpointKey.Load(config, embeddedDataDir: null).PublicKeyPem().ShouldBe(generated.PublicKeyPem());
    }

    [Fact]
    public async Task run_sh_makes_data_0700_and_the_demo_admin_key_0600_even_with_an_open_umask()
    {
        var data = Path.Combine(_dir, ".data");
        await Bash($"umask 000; ensure_private_dir '{data}' && ensure_demo_admin_key '{data}/demo-admin-key'");

        File.GetUnixFileMode(data).ShouldBe(OwnerOnly);
        File.GetUnixFileMode(Path.Combine(data, "demo-admin-key")).ShouldBe(ReadWrite);
        (await File.ReadAllTextAsync(Path.Combine(data, "demo-admin-key"))).Trim().Length.ShouldBeGreaterThan(20);
    }

    [Fact]
    public async Task run_sh_tightens_a_data_folder_and_demo_key_left_readable_by_an_older_version()
    {
        var data = Path.Combine(_dir, ".data");
        Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var key = Path.Combine(data, "demo-admin-key");
        await File.WriteAllTextAsync(key, "an-old-demo-key\n");
        File.SetUnixFileMode(key, ReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await Bash($"ensure_private_dir '{data}' && ensure_demo_admin_key '{key}'");

        File.GetUnixFileMode(data).ShouldBe(OwnerOnly);
        File.GetUnixFileMode(key).ShouldBe(ReadWrite);
        (await File.ReadAllTextAsync(key)).ShouldBe("an-old-demo-key\n", "an existing key is kept");
    }

    private static async Task Bash(string script)
    {
        var psi = new ProcessStartInfo("bash", ["-c", $"set -euo pipefail; source infra/scripts/common.sh; {script}"])
        {
            WorkingDirectory = Repo.Root, RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var errors = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        p.ExitCode.ShouldBe(0, errors);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
