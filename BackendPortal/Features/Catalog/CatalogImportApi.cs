using System.Text;
using BackendPortal.Data;
using BackendPortal.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace BackendPortal.Features.Catalog;

public static class CatalogRegistration
{
    public static IServiceCollection AddCatalogImport(this IServiceCollection services)
    {
        services.AddOptions<CatalogImportOptions>().BindConfiguration(CatalogImportOptions.Section);
        services.AddScoped<BackstageImportService>();
        services.AddScoped<BackstageExportService>();
        return services;
    }

    public static IEndpointRouteBuilder MapCatalogImportApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/catalog").WithTags("Catalog import and export").RequireAuthorization(Policies.Read);
        group.MapPost("/import", CatalogImportApi.Import)
            .RequireAuthorization(Policies.WriteCatalog)
            // The body limit is CatalogImport:MaxBodyBytes, enforced while reading (413); the JSON limit of the API group does not apply.
            .WithMetadata(new Microsoft.AspNetCore.Mvc.DisableRequestSizeLimitAttribute())
            .Accepts<string>("application/yaml", "text/yaml", "application/x-yaml", "text/x-yaml", "text/plain")
            .Produces<ImportSummary>()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Import Backstage catalog YAML")
            .WithDescription("A multi-document Backstage descriptor file (Component, API, Resource, System, Domain, Group, User; Location and unknown kinds are listed as skipped). "
                + "All or nothing: any invalid document gives 400 problem details whose `errors` list names each document by number, kind, name and field, and nothing is written. "
                + "`?dryRun=true` answers the same summary without writing. Importing the same file again reports every entity unchanged.");
        group.MapGet("/export", CatalogImportApi.Export)
            .Produces<string>(StatusCodes.Status200OK, "application/yaml")
            .WithSummary("Export the catalog as Backstage YAML")
            .WithDescription("Every team, person, domain, system, service, API, database and resource as one multi-document Backstage descriptor file; it imports back as the same catalog.");
        return api;
    }
}

public static class CatalogImportApi
{
    private static readonly string[] YamlTypes = ["application/yaml", "text/yaml", "application/x-yaml", "text/x-yaml", "text/plain"];

    internal static async Task<IResult> Import(
        BackstageImportService importer, IOptions<CatalogImportOptions> options, HttpContext http, bool? dryRun, CancellationToken ct)
    {
        var actor = Actor.From(http.User);
        var mediaType = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is null || !YamlTypes.Contains(mediaType))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Send the catalog as YAML.",
                detail: $"Content-Type must be application/yaml (or text/yaml); got '{http.Request.ContentType ?? "none"}'.");
        }
        var limit = options.Value.MaxBodyBytes;
        if (http.Request.ContentLength > limit)
        {
            return TooLarge(limit);
        }
        var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = null;
        }
        string text;
        try
        {
            text = await ReadLimitedAsync(http.Request.Body, limit, ct);
        }
        catch (InvalidDataException)
        {
            return TooLarge(limit);
        }
        catch (DecoderFallbackException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The catalog could not be read.", detail: "The body is not UTF-8 text.");
        }
        var outcome = await importer.ImportAsync(actor, [new ImportSource(null, text)], dryRun == true, null, ct);
        return outcome.Succeeded ? TypedResults.Ok(outcome.Summary) : Problem(outcome);
    }

    internal static PushStreamHttpResult Export(BackstageExportService exporter) =>
        TypedResults.Stream(async stream =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            await exporter.WriteAsync(writer, CancellationToken.None);
        }, "application/yaml; charset=utf-8", "catalog-info.yaml");

    private static ProblemHttpResult Problem(ImportOutcome outcome)
    {
        var documents = outcome.Errors.Select(e => e.Document).Distinct().Count();
        var status = outcome.Forbidden && outcome.Errors.All(e => e.Field is "spec.owner" or "kind")
            ? StatusCodes.Status403Forbidden
            : StatusCodes.Status400BadRequest;
        var first = outcome.Errors[0];
        return TypedResults.Problem(
            statusCode: status,
            title: status == StatusCodes.Status403Forbidden
                ? "You may not import some of these entities; nothing was imported."
                : "The catalog file has errors; nothing was imported.",
            detail: $"{documents} document(s) have {outcome.Errors.Count} problem(s). The first: document {first.Document}"
                + (first.Kind.Length > 0 ? $" ({first.Kind} '{first.Name}')" : "") + $", {first.Field}: {first.Message}",
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = outcome.Errors.Select(e => new { document = e.Document, line = e.Line, kind = e.Kind, name = e.Name, field = e.Field, message = e.Message }).ToList(),
            });
    }

    private static ProblemHttpResult TooLarge(long limit) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The catalog file is too large.",
        detail: $"Imports are limited to {limit / 1024 / 1024.0:0.#} MB (setting CatalogImport:MaxBodyBytes). Split the file and import the parts.");

    private static async Task<string> ReadLimitedAsync(Stream body, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new InvalidDataException();
            }
            buffer.Write(chunk, 0, read);
        }
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }
        return strict.GetString(bytes);
    }
}
