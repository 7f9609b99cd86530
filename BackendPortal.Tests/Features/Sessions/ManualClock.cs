namespace BackendPortal.Features.Sessions;

/// <summary>A clock the test moves by hand: the app, its cookies and the session limits all read it.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
