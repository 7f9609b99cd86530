using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace BackendPortal.Data;

/// <summary>Every timestamp is stored as UTC and comes back marked as UTC, on both providers.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
