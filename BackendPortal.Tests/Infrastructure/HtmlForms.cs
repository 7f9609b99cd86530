using System.Net;
using System.Text.RegularExpressions;

namespace BackendPortal.Infrastructure;

/// <summary>Reads what a static server-rendered form needs posting back (antiforgery token, hidden fields).</summary>
public static partial class HtmlForms
{
    [GeneratedRegex("<input[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();

    [GeneratedRegex("\\b(name|value|type)=\"([^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex Attribute();

    public static IReadOnlyDictionary<string, string> HiddenInputs(string html)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match tag in InputTag().Matches(html))
        {
            var attrs = Attribute().Matches(tag.Value).ToDictionary(m => m.Groups[1].Value.ToLowerInvariant(), m => WebUtility.HtmlDecode(m.Groups[2].Value));
            if (attrs.GetValueOrDefault("type") == "hidden" && attrs.TryGetValue("name", out var name))
            {
                result[name] = attrs.GetValueOrDefault("value") ?? "";
            }
        }
        return result;
    }

    public static string AntiforgeryToken(string html) =>
        HiddenInputs(html).TryGetValue("__RequestVerificationToken", out var token)
            ? token
            : throw new InvalidOperationException("The page has no __RequestVerificationToken input:\n" + html);

    /// <summary>GETs a form page, then posts the given fields with the page's antiforgery token and form name.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string url, string handler, IDictionary<string, string> fields)
    {
        var page = await client.GetAsync(url);
        var html = await page.Content.ReadAsStringAsync();
        if (page.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {url} returned {(int)page.StatusCode}:\n{html}");
        }
        var form = new Dictionary<string, string>(fields)
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(html),
            ["_handler"] = handler,
        };
        return await client.PostAsync(url, new FormUrlEncodedContent(form));
    }
}
