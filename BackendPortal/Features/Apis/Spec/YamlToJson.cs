using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace BackendPortal.Features.Apis.Spec;

/// <summary>
/// The first YAML document of an upload as JSON, read with YamlDotNet. Microsoft.OpenApi's YAML reader (SharpYaml)
/// refuses some valid YAML 1.2 that real specs carry, such as OAuth scopes in a flow sequence
/// (<c>petstore_auth: [write:pets, read:pets]</c>); the spec is then read again through this and the JSON reader.
/// Scalars are typed as that YAML reader types them, so both paths give the same document: a plain scalar that
/// parses as a number is a number, <c>true</c>/<c>false</c> a boolean, <c>~</c>/<c>null</c> null, anything else and
/// every quoted or block scalar a string. Aliases are copied, with the copies counted so an alias bomb is refused.
/// </summary>
public static class YamlToJson
{
    public const int MaxDepth = 64;
    public const long MaxNodes = 5_000_000;

    private static readonly HashSet<string> Nulls = new(StringComparer.Ordinal) { "~", "null", "Null", "NULL" };

    /// <exception cref="YamlToJsonException">The text is not YAML, or exceeds the depth or node limits.</exception>
    public static byte[] ToUtf8(SpecBytes body, long maxNodes = MaxNodes)
    {
        using var text = new StreamReader(body.OpenRead(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var root = Read(new Parser(text), maxNodes);
        return JsonSerializer.SerializeToUtf8Bytes(root);
    }

    private sealed class Frame(JsonNode container, AnchorName anchor)
    {
        public JsonNode Container { get; } = container;
        public AnchorName Anchor { get; } = anchor;
        public string? Key { get; set; }
        public long Count { get; set; } = 1;
    }

    private static JsonNode? Read(IParser parser, long maxNodes)
    {
        var anchors = new Dictionary<string, (JsonNode? Node, long Count)>(StringComparer.Ordinal);
        var stack = new Stack<Frame>();
        long nodes = 0;
        JsonNode? root = null;
        var done = false;
        try
        {
            while (!done && parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case Scalar scalar when stack.TryPeek(out var map) && map.Container is JsonObject && map.Key is null:
                        // Keys stay as written, as the parser's own YAML reader keeps them ("200", "1e3").
                        map.Key = scalar.Value;
                        break;
                    case Scalar scalar:
                        Add(Value(scalar), scalar.Anchor, scalar, 1);
                        break;
                    case AnchorAlias alias:
                        if (!anchors.TryGetValue(alias.Value.Value, out var target))
                        {
                            throw Fail(alias, $"The alias *{alias.Value.Value} names no anchor defined before it.");
                        }
                        Count(alias, target.Count);
                        Add(target.Node?.DeepClone(), AnchorName.Empty, alias, target.Count);
                        break;
                    case MappingStart map:
                        Push(new Frame(new JsonObject(), map.Anchor), map);
                        break;
                    case SequenceStart seq:
                        Push(new Frame(new JsonArray(), seq.Anchor), seq);
                        break;
                    case MappingEnd or SequenceEnd:
                        var frame = stack.Pop();
                        Add(frame.Container, frame.Anchor, parser.Current, frame.Count);
                        break;
                    case DocumentEnd:
                        done = true;
                        break;
                }
            }
        }
        catch (YamlException e)
        {
            throw new YamlToJsonException((int)e.Start.Line, (int)e.Start.Column, Clean(e.Message));
        }
        return root;

        void Count(ParsingEvent ev, long count)
        {
            nodes += count;
            if (nodes > maxNodes)
            {
                throw Fail(ev, $"The YAML expands to more than {maxNodes:N0} nodes (aliases included); the document is refused to protect the server.");
            }
        }

        void Push(Frame frame, ParsingEvent ev)
        {
            if (stack.Count >= MaxDepth)
            {
                throw Fail(ev, $"The YAML nests deeper than {MaxDepth} levels.");
            }
            if (stack.TryPeek(out var parent) && parent.Container is JsonObject && parent.Key is null)
            {
                throw Fail(ev, "Mapping keys must be plain text, not lists or maps.");
            }
            Count(ev, 1);
            stack.Push(frame);
        }

        void Add(JsonNode? node, AnchorName anchor, ParsingEvent ev, long count)
        {
            if (ev is Scalar)
            {
                Count(ev, 1);
            }
            if (!anchor.IsEmpty)
            {
                anchors[anchor.Value] = (node, count);
            }
            if (!stack.TryPeek(out var parent))
            {
                root = node;
                return;
            }
            parent.Count += count;
            if (parent.Container is JsonArray array)
            {
                array.Add(node);
            }
            else if (parent.Key is { } key)
            {
                parent.Container.AsObject()[key] = node;
                parent.Key = null;
            }
            else
            {
                throw Fail(ev, "Mapping keys must be plain text, not lists or maps.");
            }
        }
    }

    private static JsonNode? Value(Scalar scalar)
    {
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(scalar.Value);
        }
        var value = scalar.Value;
        if (decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }
        if (bool.TryParse(value, out var flag))
        {
            return JsonValue.Create(flag);
        }
        return Nulls.Contains(value) ? null : JsonValue.Create(value);
    }

    private static YamlToJsonException Fail(ParsingEvent ev, string message) => new((int)ev.Start.Line, (int)ev.Start.Column, message);

    private static string Clean(string message)
    {
        // YamlDotNet prefixes messages with "(Line: x, Col: y, Idx: z) - (Line: ...): ", which the caller states itself.
        var marker = message.LastIndexOf("): ", StringComparison.Ordinal);
        return marker >= 0 && message.StartsWith('(') ? message[(marker + 3)..] : message;
    }
}

public sealed class YamlToJsonException(int line, int column, string message) : Exception(message)
{
    public int Line { get; } = line;
    public int Column { get; } = column;
}
