using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BackendPortal.E2E.Fixtures;
using BackendPortal.E2E.Pages;
using BackendPortal.Features.Tokens;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace BackendPortal.E2E.Tests;

[Collection(PortalCollection.Name)]
public sealed class QualityTests(PortalFixture portal)
{
    private static string Run(bool pass) =>
        "<testsuites><testsuite name='checkout'>" +
        "<testcase classname='shop.CheckoutTest' name='pays_by_card' time='0.4'>" + (pass ? "" : "<failure message='Timed out after 30s'>at CheckoutTest.pays_by_card</failure>") + "</testcase>" +
        "<testcase classname='shop.CheckoutTest' name='shows_cart' time='0.1'/>" +
        "</testsuite></testsuites>";

    [Fact]
    public async Task Ci_posts_runs_over_http_qa_sees_them_and_quarantines_the_flaky_test()
    {
        var qa = await portal.CreateUserAsync("QA", "Quinn QA");
        var service = await portal.GivenServiceAsync();
        var token = await portal.WithServiceAsync(async services =>
        {
            var user = await services.GetRequiredService<UserManager<Data.ApplicationUser>>().FindByEmailAsync(qa.Email);
            return (await services.GetRequiredService<TokenService>().CreateAsync(user!.Id, "ci", ["read", "ingest"], 1)).Token;
        });

        // What a CI step does with curl: POST the report with the token and an Idempotency-Key.
        using var ci = new HttpClient { BaseAddress = portal.RootUri };
        ci.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var pass in new[] { true, false })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/services/{service.Slug}/test-runs?suite=e2e&commit=0a1b2c3&branch=main")
            {
                Content = new StringContent(Run(pass), Encoding.UTF8, "application/xml"),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            var response = await ci.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        await using var context = await portal.NewContextAsync();
        var home = await LoginPage.SignInAsync(context, qa);
        var detail = await new ServiceDetailPage(home.Page).GotoAsync(service.Slug);
        var quality = await QualityTab.OpenAsync(detail);

        await Expect(quality.Runs).ToHaveCountAsync(2);
        await Expect(quality.FlakyRow("pays_by_card")).ToContainTextAsync("passed and failed on commit 0a1b2c3");
        await Screenshots.SaveAsync(quality.Page, "service-quality");

        await quality.QuarantineAsync("pays_by_card", "PAY-42: card sandbox times out; Quinn is on it");

        await Expect(quality.FlakyRow("pays_by_card")).ToContainTextAsync("Quarantined");
        await Expect(quality.FlakyRow("pays_by_card")).ToContainTextAsync("PAY-42");

        // The run page groups the failure and shows the test's history.
        await quality.Runs.First.GetByRole(Microsoft.Playwright.AriaRole.Link).ClickAsync();
        await Expect(quality.Page.GetByText("1 × Timed out after <n>s")).ToBeVisibleAsync();
        await Expect(quality.Page.GetByTestId("history").First).ToContainTextAsync("Passed");
    }
}
