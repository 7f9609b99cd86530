using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace BackendPortal.Features.Catalog;

/// <summary>A YAML node as the import reads it: scalars keep their text, maps keep their key order.</summary>
public abstract record YNode(int Line, int Column)
{
    /// <summary>Nodes in this subtree, counting what aliases point at; bounds alias expansion.</summary>
    public abstract long Size { get; }
}

/// <param name="Plain">Written without quotes or a block indicator (only such a scalar may be a number or a boolean).</param>
public sealed record YScalar(string? Value, int Line, int Column, bool Plain = false) : YNode(Line, Column)
{
    public override long Size => 1;
}

public sealed record YSequence(IReadOnlyList<YNode> Items, long NodeCount, int Line, int Column) : YNode(Line, Column)
{
    public override long Size => NodeCount;
}

public sealed record YMap(IReadOnlyList<KeyValuePair<string, YNode>> Entries, long NodeCount, int Line, int Column) : YNode(Line, Column)
{
    public override long Size => NodeCount;

    public YNode? this[string key]
    {
        get
        {
            foreach (var entry in Entries)
            {
                if (entry.Key == key)
                {
                    return entry.Value;
                }
            }
            return null;
        }
    }
}

/// <summary>One document of a multi-document stream; <see cref="Number"/> counts from 1 across all sources.</summary>
public sealed record YamlDocument(int Number, string? Source, int Line, YNode? Root);

/// <summary>Malformed YAML, or YAML that breaks the reader's safety bounds; names where.</summary>
public sealed class YamlReadException(string? source, int line, int column, int document, string message) : Exception(message)
{
    public string? FileName { get; } = source;
    public int Line { get; } = line;
    public int Column { get; } = column;
    public int Document { get; } = document;

    public string Describe() =>
        $"{(FileName is null ? "" : FileName + ": ")}YAML error at line {Line}, column {Column} (document {Document}): {Message}";
}

/// <summary>
/// Reads multi-document YAML from parser events into <see cref="YNode"/> trees without recursion, so
/// deep nesting cannot overflow the stack. Aliases share the anchored node (nothing is copied) and
/// the nodes they stand for are counted, so a "billion laughs" file is refused instead of expanded.
/// Tags such as !!binary are read as plain text: nothing is ever instantiated from a tag.
/// </summary>
public static class YamlDocuments
{
    public const int MaxDepth = 64;
    public const long MaxAliasExpansion = 100_000;

    public static List<YamlDocument> Read(string text, string? source = null, int firstNumber = 1, long maxAliasExpansion = MaxAliasExpansion)
    {
        var documents = new List<YamlDocument>();
        var parser = new Parser(new StringReader(text));
        var number = firstNumber - 1;
        long aliasExpansion = 0;
        var anchors = new Dictionary<string, YNode>(StringComparer.Ordinal);
        var stack = new Stack<Frame>();
        YNode? root = null;
        var docLine = 1;
        try
        {
            while (parser.MoveNext())
            {
                var ev = parser.Current!;
                switch (ev)
                {
                    case StreamStart or StreamEnd:
                        break;
                    case DocumentStart start:
                        number++;
                        docLine = (int)start.Start.Line;
                        root = null;
                        anchors.Clear();
                        break;
                    case DocumentEnd:
                        // A document holding only a comment or nothing at all is not an entity; Backstage skips it too.
                        if (root is not null && !(root is YScalar { Value: null }))
                        {
                            documents.Add(new YamlDocument(number, source, docLine, root));
                        }
                        break;
                    case Scalar scalar:
                        Add(new YScalar(ScalarValue(scalar), Line(scalar), Column(scalar), scalar.Style == ScalarStyle.Plain), scalar.Anchor, scalar);
                        break;
                    case AnchorAlias alias:
                        if (!anchors.TryGetValue(alias.Value.Value, out var target))
                        {
                            throw new YamlReadException(source, Line(alias), Column(alias), number, $"The alias *{alias.Value.Value} names no anchor defined before it.");
                        }
                        aliasExpansion += target.Size;
                        if (aliasExpansion > maxAliasExpansion)
                        {
                            throw new YamlReadException(source, Line(alias), Column(alias), number,
                                $"Aliases expand to more than {maxAliasExpansion:N0} nodes; the file is refused to protect the server.");
                        }
                        Add(target, AnchorName.Empty, alias);
                        break;
                    case MappingStart map:
                        Push(new Frame(true, map.Anchor, Line(map), Column(map)), map);
                        break;
                    case SequenceStart seq:
                        Push(new Frame(false, seq.Anchor, Line(seq), Column(seq)), seq);
                        break;
                    case MappingEnd or SequenceEnd:
                        var frame = stack.Pop();
                        YNode node = frame.IsMap
                            ? new YMap(frame.Entries, frame.Count + 1, frame.Line, frame.Column)
                            : new YSequence(frame.Items, frame.Count + 1, frame.Line, frame.Column);
                        Add(node, frame.Anchor, ev);
                        break;
                }
            }
        }
        catch (YamlException e)
        {
            throw new YamlReadException(source, (int)e.Start.Line, (int)e.Start.Column, Math.Max(number, firstNumber), Clean(e.Message));
        }
        return documents;

        void Push(Frame frame, ParsingEvent ev)
        {
            if (stack.Count >= MaxDepth)
            {
                throw new YamlReadException(source, Line(ev), Column(ev), number, $"The YAML nests deeper than {MaxDepth} levels.");
            }
            stack.Push(frame);
        }

        void Add(YNode node, AnchorName anchor, ParsingEvent ev)
        {
            if (!anchor.IsEmpty)
            {
                anchors[anchor.Value] = node;
            }
            if (stack.Count == 0)
            {
                root = node;
                return;
            }
            var parent = stack.Peek();
            parent.Count += node.Size;
            if (!parent.IsMap)
            {
                parent.Items.Add(node);
            }
            else if (parent.PendingKey is null)
            {
                if (node is not YScalar key)
                {
                    throw new YamlReadException(source, Line(ev), Column(ev), number, "Mapping keys must be plain text, not lists or maps.");
                }
                var name = key.Value ?? "";
                if (parent.Keys.Contains(name))
                {
                    throw new YamlReadException(source, key.Line, key.Column, number, $"The key '{name}' appears twice in the same map.");
                }
                parent.Keys.Add(name);
                parent.PendingKey = name;
            }
            else
            {
                parent.Entries.Add(new(parent.PendingKey, node));
                parent.PendingKey = null;
            }
        }
    }

    /// <summary>YAML 1.2 core schema nulls (the schema Backstage's parser uses): ~, null, an empty plain scalar.</summary>
    private static string? ScalarValue(Scalar scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL" ? null : scalar.Value;

    private static int Line(ParsingEvent ev) => (int)ev.Start.Line;

    private static int Column(ParsingEvent ev) => (int)ev.Start.Column;

    private static string Clean(string message)
    {
        // YamlDotNet prefixes messages with "(Line: x, Col: y, Idx: z) - (Line: ...): ", which the caller already states.
        var marker = message.LastIndexOf("): ", StringComparison.Ordinal);
        return marker >= 0 && message.StartsWith('(') ? message[(marker + 3)..] : message;
    }

    private sealed class Frame(bool isMap, AnchorName anchor, int line, int column)
    {
        public bool IsMap { get; } = isMap;
        public AnchorName Anchor { get; } = anchor;
        public int Line { get; } = line;
        public int Column { get; } = column;
        public long Count { get; set; }
        public List<YNode> Items { get; } = [];
        public List<KeyValuePair<string, YNode>> Entries { get; } = [];
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
        public string? PendingKey { get; set; }
    }
}
