namespace BackendPortal.Live;

// What the catalog and quality modules publish after their saves commit. They live here, not in the
// publishing features, so a subscriber (the service timeline) needs no reference to each module.

/// <summary>A test run was stored for a service; <c>Failing</c> when any case failed or errored.</summary>
public sealed record TestRunRecorded(string ServiceSlug, long RunId, string Suite, bool Failing) : LiveEvent;

/// <summary>A load-test summary was stored for a service and judged against its budget.</summary>
public sealed record LoadTestRecorded(string ServiceSlug, long RunId, bool Passed) : LiveEvent;

/// <summary>A migration was recorded in a database's ledger.</summary>
public sealed record DatabaseMigrationRecorded(string DatabaseSlug, string Environment, string MigrationId) : LiveEvent;

/// <summary>A new spec version of an API was uploaded.</summary>
public sealed record ApiVersionRecorded(string ApiSlug, string Label, int BreakingChanges) : LiveEvent;
