using Microsoft.Extensions.Logging;

namespace Ledger.Tests.Support;

/// <summary>Appends the test host's errors (with exceptions) to test-output/server-errors.log: a 500 in a test says nothing by itself.</summary>
public sealed class ServerErrorLog : ILoggerProvider
{
    private static readonly string Path = System.IO.Path.Combine(FindRoot(), "test-output", "server-errors.log");
    private static readonly object Gate = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            lock (Gate)
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                File.AppendAllText(Path, $"{DateTime.UtcNow:O} {category}: {formatter(state, exception)}\n{exception}\n\n");
            }
        }
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(System.IO.Path.Combine(d.FullName, "Ledger.sln"))) return d.FullName;
        return System.IO.Path.GetTempPath();
    }
}
