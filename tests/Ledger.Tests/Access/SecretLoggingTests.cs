using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shouldly;

namespace Ledger.Tests.Access;

[Collection(LedgerCollection.Name)]
public sealed class SecretLoggingTests(LedgerApp app)
{
    [Fact]
    public async Task api_keys_never_reach_the_logs()
    {
        var lines = new ConcurrentQueue<string>();
        await using var host = app.NewFactory().WithWebHostBuilder(b => b.ConfigureServices(s =>
        {
            s.AddSingleton<ILoggerProvider>(new Capture(lines));
            s.Configure<LoggerFilterOptions>(o => o.MinLevel = LogLevel.Trace);
        }));
        using var http = host.CreateClient();

        async Task<HttpResponseMessage> Send(HttpMethod method, string url, string key, object? body = null)
        {
            using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Add("X-Api-Key", key);
            return await http.SendAsync(request);
        }

        var issued = await Send(HttpMethod.Post, "/api/v1/admin/keys", LedgerApp.AdminKey, new { name = "secret-test", role = "auditor", scope = "000000" });
        var secret = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        await Send(HttpMethod.Get, "/api/v1/regions/410000/balance-sheet", secret);
        await Send(HttpMethod.Get, "/api/v1/regions/410000/balance-sheet", "lk_a-wrong-key-that-must-not-be-logged");
        await Send(HttpMethod.Post, "/api/v1/events", secret, new { events = Array.Empty<object>() });

        lines.ShouldNotBeEmpty();
        lines.ShouldNotContain(l => l.Contains(secret) || l.Contains(LedgerApp.AdminKey) || l.Contains("lk_a-wrong-key"));
    }

    private sealed class Capture(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string category) => new Logger(category, lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull
            {
                lines.Enqueue($"scope {category}: {state}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel level, EventId id, TState state, Exception? e, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{level} {category}: {formatter(state, e)} {e}");
        }
    }
}
