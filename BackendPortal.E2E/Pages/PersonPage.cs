using Microsoft.Playwright;

namespace BackendPortal.E2E.Pages;

/// <summary>/people/{slug}: a person's skills, their gap to the current and next level, their teams' services.</summary>
public sealed class PersonPage(IPage page) : PortalPage(page)
{
    public ILocator Skills => Page.GetByTestId("person-skills");

    public ILocator RateMySkillsButton => Page.GetByRole(AriaRole.Button, new() { Name = "Rate my skills" });

    public ILocator Gap(string level) => Page.GetByTestId($"gap-{level}");

    public ILocator Rating(string skillSlug) => Skills.Locator($"tr[data-skill='{skillSlug}']");

    public async Task<PersonPage> GotoAsync(string slug)
    {
        await Page.GotoAsync($"people/{PathOf(slug)}");
        await WaitUntilInteractiveAsync();
        return this;
    }

    /// <summary>Opens the rating form, picks a level (0–4) per skill by its name, and saves.</summary>
    public async Task RateAsync(params (string SkillName, int Level)[] ratings)
    {
        await RateMySkillsButton.ClickAsync();
        foreach (var (skill, level) in ratings)
        {
            await Page.GetByLabel(skill, new() { Exact = true }).SelectOptionAsync(level.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save ratings" }).ClickAsync();
    }
}
