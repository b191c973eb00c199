using Ledger.Imports;
using Shouldly;

namespace Ledger.Tests.Unit;

/// <summary>The node's shares of import work: fair slots for jobs, one scratch budget for uploads.</summary>
public sealed class ImportSharingTests
{
    [Fact]
    public async Task a_freed_slot_goes_to_the_client_with_fewest_jobs_running_not_the_first_in_line()
    {
        var gate = new FairGate(1);
        var first = await gate.EnterAsync("a", CancellationToken.None);
        var secondOfA = gate.EnterAsync("a", CancellationToken.None);
        var onlyOfB = gate.EnterAsync("b", CancellationToken.None);
        (secondOfA.IsCompleted, onlyOfB.IsCompleted).ShouldBe((false, false));

        first.Dispose();
        (await onlyOfB.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        (await secondOfA.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task a_cancelled_wait_gives_up_its_place()
    {
        var gate = new FairGate(1);
        var held = await gate.EnterAsync("a", CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = gate.EnterAsync("b", cancel.Token);
        await cancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        (await gate.EnterAsync("c", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public void uploads_in_flight_and_their_bytes_share_one_budget()
    {
        var space = new ScratchSpace(maxInFlight: 2, maxBytes: 100, minFreeBytes: 0, freeBytes: () => long.MaxValue);
        using var a = space.TryEnter()!;
        using (var b = space.TryEnter()!)
        {
            space.TryEnter().ShouldBeNull();
            a.Grow(60);
            Should.Throw<ScratchFullException>(() => b.Grow(50)).Message.ShouldContain("LEDGER_SCRATCH_MAX_MB");
            b.Grow(40);
            using var job = space.EnterJob();
            job.Grow(1_000); // acknowledged work is counted, never refused
            space.Used.ShouldBe(1_100);
        }
        space.Used.ShouldBe(60);
        space.TryEnter().ShouldNotBeNull();
    }

    [Fact]
    public void an_upload_is_refused_when_the_disk_would_keep_less_than_its_reserve()
    {
        var space = new ScratchSpace(maxInFlight: 4, maxBytes: long.MaxValue, minFreeBytes: 1_000, freeBytes: () => 999);
        using var lease = space.TryEnter()!;
        Should.Throw<ScratchFullException>(() => lease.Grow(1)).Message.ShouldContain("LEDGER_SCRATCH_MIN_FREE_MB");
    }
}
