using BackendPortal.Components.Shared;
using BackendPortal.Data;
using BackendPortal.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace BackendPortal.Features.Teams;

/// <summary>Creates (no <see cref="Slug"/>) or edits a team and its members; used by <see cref="TeamDialog"/>.</summary>
public partial class TeamForm
{
    [Inject]
    private TeamService Teams { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthState { get; set; } = default!;

    [Parameter]
    public string? Slug { get; set; }

    [Parameter]
    public EventCallback<TeamDetails> OnSaved { get; set; }

    [Parameter]
    public EventCallback OnCancel { get; set; }

    private readonly ServerErrors serverErrors = new();
    private MudForm form = default!;
    private MudAutocomplete<PersonOption> picker = default!;
    private PersonOption? picked;
    private Actor actor = default!;
    private TeamFormModel? model;
    private Guid? loadedVersion;
    private string? loadError;
    private bool cannotEdit;
    private string? alert;
    private string? memberError;
    private string? conflict;
    private bool saving;

    protected override async Task OnInitializedAsync()
    {
        actor = Actor.From((await AuthState).User);
        if (Slug is null)
        {
            if (!actor.CanWriteCatalog)
            {
                loadError = "You can't create teams: that needs the Engineer or Admin role.";
                return;
            }
            model = new TeamFormModel();
            return;
        }
        try
        {
            if (!await Teams.CanEditAsync(actor, Slug))
            {
                await Teams.GetAsync(Slug);
                cannotEdit = true;
                return;
            }
            await LoadAsync(Slug);
        }
        catch (NotFoundException)
        {
            loadError = "Team not found. It may have been renamed or deleted.";
        }
    }

    private async Task LoadAsync(string slug)
    {
        var details = await Teams.GetAsync(slug);
        model = TeamFormModel.From(details);
        loadedVersion = details.Version;
    }

    private async Task<IEnumerable<PersonOption>> SearchPeopleAsync(string? text, CancellationToken ct)
    {
        var people = await Teams.SearchPeopleAsync(text, 20, ct);
        return people.Where(p => model?.Members.Any(m => string.Equals(m.Person, p.Slug, StringComparison.OrdinalIgnoreCase)) != true);
    }

    private async Task AddMemberAsync(PersonOption? person)
    {
        if (person is null || model is null)
        {
            return;
        }
        memberError = null;
        if (!model.Members.Any(m => string.Equals(m.Person, person.Slug, StringComparison.OrdinalIgnoreCase)))
        {
            model.Members.Add(new TeamMemberRow { Person = person.Slug, Name = person.Name, Role = "member" });
        }
        picked = null;
        await picker.ClearAsync();
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
        memberError = null;
        serverErrors.Clear();
        await form.ValidateAsync();
        if (!form.IsValid)
        {
            return;
        }
        saving = true;
        try
        {
            var input = model.ToInput();
            var saved = Slug is null
                ? await Teams.CreateAsync(actor, input)
                : await Teams.UpdateAsync(actor, Slug, input, overwrite ? null : loadedVersion);
            conflict = null;
            loadedVersion = saved.Version;
            Snackbar.Add($"Saved {saved.Name}", Severity.Success);
            await OnSaved.InvokeAsync(saved);
        }
        catch (ValidationFailedException ex)
        {
            var unmatched = serverErrors.Take(ex, model.FieldValues());
            // Member errors (members, members[0] ...) belong to the member list, not one field.
            memberError = unmatched.Count > 0 ? string.Join(" ", unmatched) : null;
            saving = false;
            await form.ValidateAsync();
        }
        catch (ConcurrencyConflictException ex)
        {
            conflict = ex.Message;
        }
        catch (NotFoundException)
        {
            alert = "This team no longer exists: someone deleted or renamed it.";
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
            memberError = null;
            serverErrors.Clear();
        }
        catch (NotFoundException)
        {
            loadError = "Team not found. It may have been renamed or deleted.";
        }
    }

    private string? CheckSlug(string? value) =>
        (string.IsNullOrWhiteSpace(value)
            ? "Slug is required. " + Data.Slug.RuleText
            : Data.Slug.IsValid(value.Trim()) ? null : $"'{value.Trim()}' is not a valid slug. {Data.Slug.RuleText}")
        ?? serverErrors.For("slug", value);

    private string? CheckName(string? value) =>
        (string.IsNullOrWhiteSpace(value) ? "Name is required." : value.Trim().Length > 200 ? "Name must be at most 200 characters." : null)
        ?? serverErrors.For("name", value);

    private string? CheckDescription(string? value) =>
        ((value?.Trim().Length ?? 0) > 4000 ? "Description must be at most 4000 characters." : null)
        ?? serverErrors.For("description", value);
}

public sealed class TeamFormModel
{
    public string? Slug { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public List<TeamMemberRow> Members { get; set; } = [];

    public static TeamFormModel From(TeamDetails t) => new()
    {
        Slug = t.Slug,
        Name = t.Name,
        Description = t.Description,
        Members = [.. t.Members.Select(m => new TeamMemberRow { Person = m.Person, Name = m.Name, Role = m.Role })],
    };

    public TeamInput ToInput() => new()
    {
        Slug = Slug?.Trim(),
        Name = Name?.Trim(),
        Description = Description,
        Members = [.. Members.Select(m => new TeamMemberInput { Person = m.Person, Role = m.Role })],
    };

    public IReadOnlyDictionary<string, object?> FieldValues() => new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
    {
        ["slug"] = Slug,
        ["name"] = Name,
        ["description"] = Description,
    };
}

public sealed class TeamMemberRow
{
    public string Person { get; set; } = "";
    public string Name { get; set; } = "";
    public string Role { get; set; } = "member";
}
