namespace Ledger.Imports;

/// <summary>
/// The temp-folder budget shared by every upload and import on this node. Without it each upload
/// may write its file and unpack a zip up to the per-file limit, and a few uploads at once fill
/// the disk. An upload takes a <see cref="Lease"/> (at most <c>LEDGER_UPLOADS_IN_FLIGHT</c> at
/// once, default 4) and every byte it writes is counted against <c>LEDGER_SCRATCH_MAX_MB</c>
/// (default 4,096) and the free space the folder's disk must keep (<c>LEDGER_SCRATCH_MIN_FREE_MB</c>,
/// default 1,024). Import jobs count their bytes too but are never refused: they were acknowledged.
/// </summary>
public sealed class ScratchSpace(int maxInFlight, long maxBytes, long minFreeBytes, Func<long>? freeBytes = null)
{
    private readonly object _lock = new();
    private readonly Func<long> _free = freeBytes ?? (() => new DriveInfo(Path.GetTempPath()).AvailableFreeSpace);
    private readonly long _maxBytes = maxBytes, _minFreeBytes = minFreeBytes;
    private int _inFlight;
    private long _used;

    public static ScratchSpace From(Func<string, string?> setting) => new(Storage.OperatorSettings.UploadsInFlight.Int(setting),
        Storage.OperatorSettings.ScratchMaxMb.Long(setting) * 1024 * 1024, Storage.OperatorSettings.ScratchMinFreeMb.Long(setting) * 1024 * 1024);

    public long Used
    {
        get { lock (_lock) return _used; }
    }

    /// <summary>A lease for one upload, or null when <c>LEDGER_UPLOADS_IN_FLIGHT</c> are already in flight.</summary>
    public Lease? TryEnter()
    {
        lock (_lock)
        {
            if (_inFlight >= maxInFlight) return null;
            _inFlight++;
        }
        return new Lease(this, refusable: true);
    }

    /// <summary>A lease for an import job: counted, never refused.</summary>
    public Lease EnterJob() => new(this, refusable: false);

    public sealed class Lease(ScratchSpace space, bool refusable) : IDisposable
    {
        private long _held;
        private const long DiskCheckEvery = 64L * 1024 * 1024;
        private long _sinceDiskCheck = DiskCheckEvery;
        private bool _disposed;

        /// <summary>Counts <paramref name="bytes"/> more; an upload's lease throws <see cref="ScratchFullException"/> past the budget.</summary>
        public void Grow(long bytes)
        {
            lock (space._lock)
            {
                if (refusable && space._used + bytes > space._maxBytes)
                    throw new ScratchFullException($"uploads in progress already use {space._used / (1024 * 1024):N0} MiB of the server's " +
                                                   $"{space._maxBytes / (1024 * 1024):N0} MiB of scratch space (LEDGER_SCRATCH_MAX_MB)");
                space._used += bytes;
                _held += bytes;
            }
            // The disk is asked every 64 MiB, not on every buffer.
            _sinceDiskCheck += bytes;
            if (!refusable || _sinceDiskCheck < DiskCheckEvery) return;
            _sinceDiskCheck = 0;
            if (space._free() is var free && free < space._minFreeBytes)
                throw new ScratchFullException($"the server's temp folder has {free / (1024 * 1024):N0} MiB free, less than the " +
                                               $"{space._minFreeBytes / (1024 * 1024):N0} MiB it keeps (LEDGER_SCRATCH_MIN_FREE_MB)");
        }

        public void Dispose()
        {
            lock (space._lock)
            {
                if (_disposed) return;
                _disposed = true;
                space._used -= _held;
                if (refusable) space._inFlight--;
            }
        }
    }
}

/// <summary>The node's scratch space cannot take an upload now: 503 with Retry-After, nothing stored.</summary>
public sealed class ScratchFullException(string message) : Exception(message);
