using BackendPortal.Components.Shared;
using BackendPortal.Data;
using BackendPortal.Features.Teams;
using BackendPortal.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BackendPortal.Features.Services;

/// <summary>
/// Creates (no <see cref="Slug"/>) or edits a service. Used by <see cref="ServiceDialog"/> and the
/// /services/new and /services/{slug}/edit pages, so both doors validate and resolve conflicts alike.
/// </summary>
public partial class ServiceForm
{
    [Inject]
    private ServiceCatalogService Catalog { get; set; } = default!;

    [Inject]
    private TeamService Teams { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthState { get; set; } = default!;

    /// <summary>The service to edit; null to create one.</summary>
    [Parameter]
    public string? Slug { get; set; }

    /// <summary>Preselects the owner of a new service (for example from a team's page).</summary>
    [Parameter]
    public string? DefaultOwner { get; set; }

    [Parameter]
    public EventCallback<ServiceDetails> OnSaved { get; set; }

    [Parameter]
    public EventCallback OnCancel { get; set; }

    private readonly ServerErrors serverErrors = new();
    private MudForm form = default!;
    private Actor actor = default!;
    private ServiceFormModel? model;
    private Guid? loadedVersion;
    private List<TeamSummary> teams = [];
    private string? loadError;
    private bool cannotEdit;
    private string? alert;
    private string? conflict;
    private bool saving;

    protected override async Task OnInitializedAsync()
    {
        actor = Actor.From((await AuthState).User);
        if (!actor.CanWriteCatalog)
        {
            cannotEdit = Slug is not null;
            loadError = Slug is null ? "You can't create services: that needs the Engineer or Admin role." : null;
            return;
        }
        if (Slug is not null)
        {
            try
            {
                if (!await Catalog.CanEditAsync(actor, Slug))
                {
                    await Catalog.GetAsync(Slug);
                    cannotEdit = true;
                    return;
                }
                await LoadAsync(Slug);
            }
            catch (NotFoundException)
            {
                loadError = "Service not found. It may have been renamed or deleted.";
                return;
            }
        }
        else
        {
            model = new ServiceFormModel { Owner = DefaultOwner };
        }
        // Engineers may only give a service to a team they belong to; admins to any team.
        var page = await Teams.QueryAsync(actor, null, mineOnly: !actor.IsAdmin, 0, 1000);
        teams = [.. page.Items];
        if (model is { Owner: { } owner } && !teams.Any(t => string.Equals(t.Slug, owner, StringComparison.OrdinalIgnoreCase)))
        {
            if (Slug is null)
            {
                model.Owner = null;
            }
            else
            {
                // Keep the current owner selectable even if the list is narrower (it stays valid).
                teams.Insert(0, new TeamSummary(owner, owner, null, 0, 0, false));
            }
        }
        if (model is { Owner: null } && teams.Count == 1)
        {
            model.Owner = teams[0].Slug;
        }
    }

    private async Task LoadAsync(string slug)
    {
        var details = await Catalog.GetAsync(slug);
        model = ServiceFormModel.From(details);
        loadedVersion = details.Version;
    }

    private Task SaveAsync() => SaveCoreAsync(overwrite: false);

    private Task OverwriteAsync() => SaveCoreAsync(overwrite: true);

    private async Task SaveCoreAsync(bool overwrite)
    {
        if (model is null || saving)
        {
            return;
        }
        alert = null;
        serverErrors.Clear();
        await form.ValidateAsync();
        if (!form.IsValid)
        {
            return;
        }
        saving = true;
        var input = model.ToInput();
        try
        {
            var saved = Slug is null
                ? await Catalog.CreateAsync(actor, input)
                : await Catalog.UpdateAsync(actor, Slug, input, overwrite ? null : loadedVersion);
            conflict = null;
            loadedVersion = saved.Version;
            Snackbar.Add($"Saved {saved.Name}", Severity.Success);
            await OnSaved.InvokeAsync(saved);
        }
        catch (ValidationFailedException ex)
        {
            var unmatched = serverErrors.Take(ex, model.FieldValues());
            alert = unmatched.Count > 0 ? string.Join(" ", unmatched) : null;
            saving = false;
            await form.ValidateAsync();
        }
        catch (ConcurrencyConflictException ex)
        {
            conflict = ex.Message;
        }
        catch (NotFoundException)
        {
            alert = "This service no longer exists: someone deleted or renamed it.";
        }
        catch (PortalException ex) when (ex is ForbiddenException or ConflictException)
        {
            alert = ex.Message;
        }
        finally
        {
            saving = false;
        }
    }

    /// <summary>Discards the user's changes and shows what is saved now.</summary>
    private async Task ReloadAsync()
    {
        if (Slug is null)
        {
            return;
        }
        try
        {
            await LoadAsync(Slug);
            conflict = null;
            alert = null;
            serverErrors.Clear();
        }
        catch (NotFoundException)
        {
            loadError = "Service not found. It may have been renamed or deleted.";
        }
    }

    private static string? Rule(bool ok, string message) => ok ? null : message;

    private async Task<IEnumerable<string>> SearchSystemsAsync(string? text, CancellationToken ct) =>
        (await Catalog.SuggestAsync("system", text, ct)).Select(s => s.Slug);

    private string? CheckSystem(string? value) => serverErrors.For("system", value);

    private string? CheckSlug(string? value) =>
        (string.IsNullOrWhiteSpace(value)
            ? "Slug is required. " + Data.Slug.RuleText
            : Rule(Data.Slug.IsValid(value.Trim()), $"'{value.Trim()}' is not a valid slug. {Data.Slug.RuleText}"))
        ?? serverErrors.For("slug", value);

    private string? CheckName(string? value) =>
        (string.IsNullOrWhiteSpace(value) ? "Name is required." : Rule(value.Trim().Length <= 200, "Name must be at most 200 characters."))
        ?? serverErrors.For("name", value);

    private string? CheckOwner(string? value) =>
        Rule(!string.IsNullOrWhiteSpace(value), "Owner team is required.") ?? serverErrors.For("owner", value);

    private string? CheckLifecycle(string? value) =>
        Rule(LifecycleNames.Parse(value) is not null, "Lifecycle is required.") ?? serverErrors.For("lifecycle", value);

    private string? CheckTier(int value) =>
        Rule(value is >= 1 and <= 3, "Tier must be 1, 2 or 3.") ?? serverErrors.For("tier", value);

    private string? CheckLanguages(string? value) =>
        Rule(ServiceFormModel.Split(value).All(l => l.Length <= 40), "Each language must be at most 40 characters.")
        ?? serverErrors.For("languages", value);

    private string? CheckFramework(string? value) =>
        Rule((value?.Trim().Length ?? 0) <= 100, "Framework must be at most 100 characters.") ?? serverErrors.For("framework", value);

    private string? CheckRepositoryUrl(string? value) => CheckUrl(value) ?? serverErrors.For("repositoryUrl", value);

    private string? CheckRunbookUrl(string? value) => CheckUrl(value) ?? serverErrors.For("runbookUrl", value);

    private string? CheckTags(string? value) =>
        Rule(ServiceFormModel.Split(value).All(t => t.Length <= 63), "Each tag must be at most 63 characters.")
        ?? serverErrors.For("tags", value);

    private string? CheckDescription(string? value) =>
        Rule((value?.Trim().Length ?? 0) <= 4000, "Description must be at most 4000 characters.") ?? serverErrors.For("description", value);

    private static string? CheckUrl(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var ok = Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && !string.IsNullOrEmpty(uri.Host);
        return Rule(ok, "Enter an absolute http:// or https:// URL (for example https://git.example.com/team/repo).");
    }
}

/// <summary>What the form edits: lists as comma-separated text, converted to a <see cref="ServiceInput"/> on save.</summary>
public sealed class ServiceFormModel
{
    public string? Slug { get; set; }
    public string? Name { get; set; }
    public string? Owner { get; set; }
    public string? Lifecycle { get; set; } = "experimental";
    public int Tier { get; set; } = 3;
    public string? Languages { get; set; }
    public string? Framework { get; set; }
    public string? RepositoryUrl { get; set; }
    public string? RunbookUrl { get; set; }
    public string? Tags { get; set; }
    public string? Description { get; set; }
    public string? System { get; set; }
    public List<string> DependsOn { get; set; } = [];
    public List<string> Databases { get; set; } = [];
    public List<string> ProvidesApis { get; set; } = [];
    public List<string> ConsumesApis { get; set; } = [];

    public static ServiceFormModel From(ServiceDetails s) => new()
    {
        Slug = s.Slug,
        Name = s.Name,
        Owner = s.Owner,
        Lifecycle = s.Lifecycle,
        Tier = s.Tier,
        Languages = string.Join(", ", s.Languages),
        Framework = s.Framework,
        RepositoryUrl = s.RepositoryUrl,
        RunbookUrl = s.RunbookUrl,
        Tags = string.Join(", ", s.Tags),
        Description = s.Description,
        System = s.System,
        DependsOn = [.. s.DependsOn],
        Databases = [.. s.Databases],
        ProvidesApis = [.. s.ProvidesApis],
        ConsumesApis = [.. s.ConsumesApis],
    };

    public ServiceInput ToInput() => new()
    {
        Slug = Slug?.Trim(),
        Name = Name?.Trim(),
        Owner = Owner,
        Lifecycle = Lifecycle,
        Tier = Tier,
        Languages = Split(Languages),
        Framework = Framework,
        RepositoryUrl = RepositoryUrl,
        RunbookUrl = RunbookUrl,
        Tags = Split(Tags),
        Description = Description,
        System = System ?? "",
        DependsOn = [.. DependsOn],
        Databases = [.. Databases],
        ProvidesApis = [.. ProvidesApis],
        ConsumesApis = [.. ConsumesApis],
    };

    /// <summary>The value of each field under the key the server uses for its errors.</summary>
    public IReadOnlyDictionary<string, object?> FieldValues() => new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
    {
        ["slug"] = Slug,
        ["name"] = Name,
        ["owner"] = Owner,
        ["lifecycle"] = Lifecycle,
        ["tier"] = Tier,
        ["languages"] = Languages,
        ["framework"] = Framework,
        ["repositoryUrl"] = RepositoryUrl,
        ["runbookUrl"] = RunbookUrl,
        ["tags"] = Tags,
        ["description"] = Description,
        ["system"] = System,
    };

    public static List<string> Split(string? text) =>
        [.. (text ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
