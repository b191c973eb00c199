using System.Net;
using Shouldly;

namespace Ledger.Tests.Workbench;

/// <summary>
/// A security review's finding: the workbench sent no Content-Security-Policy and no frame protection.
/// The browser tests close their pages through <see cref="DemoService.CloseAsync"/>, which fails on
/// anything the policy blocked; these check the headers themselves, and that the styles still apply.
/// </summary>
[Collection(DemoServiceCollection.Name)]
public sealed class SecurityHeaderTests(DemoService demo)
{
    [Fact]
    public async Task workbench_pages_may_not_be_framed_nor_run_code_from_anywhere_but_the_service()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = demo.BaseAddress };
        var cookie = WorkbenchForms.SessionCookie(await WorkbenchForms.SignIn(http, demo.Investigator));
        foreach (var (path, status) in new[] { ("/ui/sign-in", 200), ("/ui/regions/990101", 200), ("/ui/regions/990101/map", 200), ("/ui/tenures/T-nobody", 404) })
        {
            using var page = await WorkbenchForms.Page(http, cookie, path);
            ((int)page.StatusCode).ShouldBe(status, path);
            var policy = Directives(Header(page, "Content-Security-Policy"));
            policy["default-src"].ShouldBe("'self'", path);
            policy["script-src"].ShouldBe("'self'", "no inline script, no eval");
            policy["style-src"].ShouldStartWith("'self' 'sha256-", customMessage: "the one inline stylesheet by its hash, no 'unsafe-inline'");
            policy["frame-ancestors"].ShouldBe("'none'");
            policy["object-src"].ShouldBe("'none'");
            policy["form-action"].ShouldBe("'self'");
            Header(page, "X-Frame-Options").ShouldBe("DENY");
            Header(page, "X-Content-Type-Options").ShouldBe("nosniff");
            Header(page, "Referrer-Policy").ShouldBe("same-origin", "no-referrer would make form posts say Origin: null, which the workbench refuses");
        }
        using (var asset = await http.GetAsync("/ui/assets/map.js"))
            Header(asset, "X-Content-Type-Options").ShouldBe("nosniff");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/regions/990101/balance-sheet");
        request.Headers.Add("X-Api-Key", demo.Investigator);
        using var json = await http.SendAsync(request);
        json.StatusCode.ShouldBe(HttpStatusCode.OK);
        Header(json, "X-Content-Type-Options").ShouldBe("nosniff", "a JSON answer holding a client's words is never sniffed into a page");
        Directives(Header(json, "Content-Security-Policy"))["default-src"].ShouldBe("'none'");
        using var problem = await http.GetAsync("/api/v1/regions/990101/balance-sheet");
        problem.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        Header(problem, "X-Content-Type-Options").ShouldBe("nosniff");
    }

    [Fact]
    public async Task the_inline_stylesheet_and_the_charts_are_styled_under_the_policy()
    {
        var page = await demo.NewPageAsync();
        await demo.SignInAsync(page, demo.Investigator);
        await page.GotoAsync("/ui/regions/990101");
        // Only applied when the stylesheet's hash in the policy matches it.
        (await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('header.top')).backgroundColor")).ShouldBe("rgb(30, 58, 138)");
        (await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('svg.chart')).maxWidth")).ShouldBe("480px");
        await demo.CloseAsync(page);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new ShouldAssertException($"{response.RequestMessage?.RequestUri} has no {name} header");

    private static Dictionary<string, string> Directives(string policy) => policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select(d => d.Split(' ', 2)).ToDictionary(d => d[0], d => d.Length > 1 ? d[1] : "");
}
