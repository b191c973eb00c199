using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Access;

/// <summary>Contract 1.7: HTTP Basic with the API key as the password, for desktop GIS clients that cannot send X-Api-Key.</summary>
[Collection(LedgerCollection.Name)]
public sealed class BasicAuthTests(LedgerApp app) : IAsyncLifetime
{
    private const string Stream = "/api/v1/streams/farmland/410102-000001";
    private const string BrowserChallenge = "ApiKey realm=\"ledger\", header=\"X-Api-Key\"";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        var setup = await app.PostEventsAsync(await app.KeyAsync("writer"), [.. RegionTree(), Region("420000", "province", "000000"), Parcel()]);
        setup.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_key_as_the_basic_password_reads_and_writes_as_the_header_does()
    {
        var auditor = await app.KeyAsync("auditor", "410000");
        var viaHeader = await app.SendAsync(HttpMethod.Get, Stream, auditor);
        var viaBasic = await SendAsync(HttpMethod.Get, Stream, Basic("qgis-user", auditor));
        viaBasic.StatusCode.ShouldBe(HttpStatusCode.OK, await viaBasic.Content.ReadAsStringAsync());
        (await viaBasic.Content.ReadAsStringAsync()).ShouldBe(await viaHeader.Content.ReadAsStringAsync());
        // The user name is ignored, even an empty one.
        (await SendAsync(HttpMethod.Get, Stream, Basic("", auditor))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var writer = await app.KeyAsync("writer", "410000");
        var before = await app.EventCountAsync();
        var posted = await SendAsync(HttpMethod.Post, "/api/v1/events", Basic("gdal", writer), Batch(Occupied(area: 0.5m)));
        posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
        (await app.EventCountAsync()).ShouldBe(before + 1);
    }

    [Fact]
    public async Task missing_or_wrong_credentials_are_401_with_a_basic_challenge()
    {
        foreach (var response in new[]
                 {
                     await SendAsync(HttpMethod.Get, Stream, null),
                     await SendAsync(HttpMethod.Get, Stream, Basic("user", "lk_not-a-key")),
                     await app.SendAsync(HttpMethod.Get, Stream, "lk_not-a-key"),
                 })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            response.Headers.WwwAuthenticate.ToString().ShouldBe("Basic realm=\"ledger\", charset=\"UTF-8\"");
        }
        var bearer = await SendAsync(HttpMethod.Get, Stream, new AuthenticationHeaderValue("Bearer", "abc"));
        bearer.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await bearer.Content.ReadAsStringAsync()).ShouldContain("the Authorization scheme 'Bearer' is not accepted");
    }

    /// <summary>
    /// A browser (it sends Sec-Fetch-Mode; QGIS and GDAL do not) gets a challenge it does not act on:
    /// a Basic one would open its password dialog, and a key typed there outlives the workbench's sign-out.
    /// </summary>
    [Fact]
    public async Task a_browser_is_not_challenged_to_basic()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Stream);
        request.Headers.Add("Sec-Fetch-Mode", "navigate");
        var response = await app.Http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldBe(BrowserChallenge);
    }

    public static TheoryData<string, string> MalformedHeaders() => new()
    {
        { "Basic", "missing after 'Basic '" },
        { "Basic !!!not-base64", "not base64" },
        { "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("no-colon-here")), "no ':'" },
        { "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:")), "password is empty" },
        { "Basic " + Convert.ToBase64String([0x75, 0x3a, 0xff, 0xfe]), "not UTF-8" },
        { "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:lk_\u0007bell")), "control characters" },
        { "Basic " + new string('A', 2000), "longer than 1024" },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public async Task a_malformed_basic_header_is_401_saying_why_and_changes_nothing(string header, string why)
    {
        var writer = await app.KeyAsync("writer", "410000");
        var before = await app.EventCountAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = Json(Batch(Occupied(area: 0.5m))) };
        request.Headers.TryAddWithoutValidation("Authorization", header).ShouldBeTrue();
        // A valid X-Api-Key beside it does not rescue a malformed Basic header: the request is ambiguous.
        request.Headers.Add("X-Api-Key", writer);
        var response = await app.Http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        response.Headers.WwwAuthenticate.ToString().ShouldStartWith("Basic realm=");
        (await response.Content.ReadAsStringAsync()).ShouldContain(why);
        (await app.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_browser_page_load_gets_a_401_without_the_password_box()
    {
        using var page = new HttpRequestMessage(HttpMethod.Get, Stream);
        page.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        var response = await app.Http.SendAsync(page);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldBe(BrowserChallenge, "a challenge (RFC 9110 asks for one), but none a browser prompts for");

        using var gis = new HttpRequestMessage(HttpMethod.Get, Stream);
        gis.Headers.Accept.ParseAdd("application/geo+json");
        (await app.Http.SendAsync(gis)).Headers.WwwAuthenticate.ToString().ShouldStartWith("Basic realm=");
    }

    [Fact]
    public async Task two_different_keys_in_one_request_are_refused()
    {
        var (a, b) = (await app.KeyAsync("auditor", "410000"), await app.KeyAsync("auditor", "410000"));
        using var request = new HttpRequestMessage(HttpMethod.Get, Stream);
        request.Headers.Authorization = Basic("u", a);
        request.Headers.Add("X-Api-Key", b);
        var response = await app.Http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("name different keys");
    }

    [Fact]
    public async Task role_and_scope_apply_to_a_basic_key_as_to_the_header()
    {
        var otherProvince = await app.KeyAsync("auditor", "420000");
        var outside = await SendAsync(HttpMethod.Get, Stream, Basic("u", otherProvince));
        outside.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        outside.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");

        var writer = await app.KeyAsync("writer", "410000");
        (await SendAsync(HttpMethod.Get, "/api/v1/regions/410102/map", Basic("u", writer))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var before = await app.EventCountAsync();
        var auditorPosting = await SendAsync(HttpMethod.Post, "/api/v1/events", Basic("u", await app.KeyAsync("auditor", "410000")), Batch(Occupied(area: 0.5m)));
        auditorPosting.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.EventCountAsync()).ShouldBe(before);
    }

    /// <summary>
    /// One key, one bucket: with a limit of 1 a second (a burst of 2), the header spends the tokens
    /// and the Basic request right after is refused. A refill between the two (once a second) could
    /// let one through, so the check is tried a few times; separate buckets would let every one through.
    /// </summary>
    [Fact]
    public async Task a_key_sent_both_ways_shares_one_rate_limit()
    {
        Environment.SetEnvironmentVariable("LEDGER_RATE_LIMIT", "1");
        await using var limited = app.NewFactory();
        HttpClient http;
        try
        {
            http = limited.CreateClient(); // the host reads its settings here
        }
        finally
        {
            Environment.SetEnvironmentVariable("LEDGER_RATE_LIMIT", LedgerApp.TestRateLimit);
        }
        using var _ = http;
        var key = await app.KeyAsync("auditor", "410000", name: "basic-rate");
        var refusedAfterHeader = false;
        for (var attempt = 0; attempt < 5 && !refusedAfterHeader; attempt++)
        {
            // Spend the bucket with the header until it refuses.
            for (var i = 0; i < 10; i++)
            {
                using var viaHeader = new HttpRequestMessage(HttpMethod.Get, Stream);
                viaHeader.Headers.Add("X-Api-Key", key);
                if ((await http.SendAsync(viaHeader)).StatusCode == HttpStatusCode.TooManyRequests) break;
            }
            using var viaBasic = new HttpRequestMessage(HttpMethod.Get, Stream);
            viaBasic.Headers.Authorization = Basic("u", key);
            var response = await http.SendAsync(viaBasic);
            if (response.StatusCode != HttpStatusCode.TooManyRequests) continue;
            response.Headers.RetryAfter.ShouldNotBeNull();
            (await response.Content.ReadAsStringAsync()).ShouldContain("'basic-rate' may make 1 requests per second");
            refusedAfterHeader = true;
        }
        refusedAfterHeader.ShouldBeTrue("the Basic request was served from a bucket of its own");
    }

    [Fact]
    public async Task the_openapi_document_offers_both_key_forms()
    {
        var doc = System.Text.Json.JsonDocument.Parse(await (await app.SendAsync(HttpMethod.Get, "/openapi/v1.json", null)).Content.ReadAsStringAsync()).RootElement;
        var basic = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("basicAuth");
        (basic.GetProperty("type").GetString(), basic.GetProperty("scheme").GetString()).ShouldBe(("http", "basic"));
        doc.GetProperty("security").EnumerateArray().SelectMany(s => s.EnumerateObject().Select(p => p.Name)).ShouldBe(["apiKey", "basicAuth"]);
    }

    private static AuthenticationHeaderValue Basic(string user, string key) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{key}")));

    private static string Batch(params System.Text.Json.Nodes.JsonObject[] events) =>
        new System.Text.Json.Nodes.JsonObject { ["events"] = new System.Text.Json.Nodes.JsonArray(events.Select(e => (System.Text.Json.Nodes.JsonNode)e.DeepClone()).ToArray()) }.ToJsonString();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, AuthenticationHeaderValue? auth, string? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = Json(body);
        request.Headers.Authorization = auth;
        return await app.Http.SendAsync(request);
    }
}
