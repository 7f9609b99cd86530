namespace BackendPortal.Data;

/// <summary>
/// Failures a service reports to its callers. The API turns them into problem details
/// (see Hosting/PortalExceptionHandler); pages show their message next to the form.
/// </summary>
public abstract class PortalException(string message) : Exception(message)
{
    public abstract int StatusCode { get; }
    public abstract string Title { get; }
}

public sealed class ValidationFailedException(IDictionary<string, string[]> errors)
    : PortalException("One or more fields are invalid: " + string.Join(" ", errors.SelectMany(e => e.Value)))
{
    public IDictionary<string, string[]> Errors { get; } = errors;
    public override int StatusCode => StatusCodes.Status400BadRequest;
    public override string Title => "One or more fields are invalid.";
}

public sealed class NotFoundException(string what) : PortalException($"{what} was not found.")
{
    public override int StatusCode => StatusCodes.Status404NotFound;
    public override string Title => "Not found.";
}

public sealed class ForbiddenException(string message) : PortalException(message)
{
    public override int StatusCode => StatusCodes.Status403Forbidden;
    public override string Title => "You are not allowed to do this.";
}

public sealed class ConflictException(string message) : PortalException(message)
{
    public override int StatusCode => StatusCodes.Status409Conflict;
    public override string Title => "Conflict.";
}

/// <summary>Someone else saved the record after the caller read it.</summary>
public sealed class ConcurrencyConflictException(string what, string changedBy, DateTime changedAt, string currentETag)
    : PortalException($"{what} was changed by {changedBy} at {changedAt:yyyy-MM-dd HH:mm:ss} UTC after you opened it.")
{
    public string ChangedBy { get; } = changedBy;
    public DateTime ChangedAt { get; } = changedAt;
    public string CurrentETag { get; } = currentETag;
    public override int StatusCode => StatusCodes.Status412PreconditionFailed;
    public override string Title => "The record was changed by someone else.";
}

public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.OrdinalIgnoreCase);

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }
        list.Add(message);
    }

    public bool Any => errors.Count > 0;

    public void ThrowIfAny()
    {
        if (Any)
        {
            throw new ValidationFailedException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }
    }
}
