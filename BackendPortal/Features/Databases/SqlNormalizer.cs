using System.Security.Cryptography;
using System.Text;

namespace BackendPortal.Features.Databases;

/// <summary>
/// Turns one statement into the text every execution of it shares: literals (strings, numbers, hex,
/// booleans) and bind parameters become <c>?</c>, IN-lists and repeated VALUES rows shrink to one,
/// comments go, whitespace is collapsed and keywords are upper-cased. Quoted identifiers stay as written.
/// </summary>
public static class SqlNormalizer
{
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "select", "from", "where", "and", "or", "not", "in", "is", "null", "like", "ilike", "between", "exists", "as", "on", "join",
        "inner", "left", "right", "full", "outer", "cross", "lateral", "group", "by", "order", "having", "limit", "offset", "fetch",
        "first", "next", "rows", "row", "only", "top", "distinct", "all", "any", "some", "union", "intersect", "except", "insert",
        "into", "values", "update", "set", "delete", "merge", "using", "when", "matched", "then", "else", "end", "case", "with",
        "recursive", "returning", "asc", "desc", "nulls", "last", "create", "alter", "drop", "table", "index", "view", "begin",
        "commit", "rollback", "for", "share", "nowait", "skip", "locked", "default", "conflict", "do", "nothing", "over",
        "partition", "window", "count", "sum", "avg", "min", "max", "coalesce", "cast", "upsert", "truncate", "explain", "analyze",
        "escape", "collate", "interval", "filter", "within", "primary", "key", "unique", "references", "foreign", "constraint",
    };

    public static string Fingerprint(string normalized) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));

    public static string Normalize(string sql)
    {
        var tokens = Collapse(Tokenize(sql ?? ""));
        while (tokens.Count > 0 && tokens[^1] == ";")
        {
            tokens.RemoveAt(tokens.Count - 1);
        }
        var sb = new StringBuilder(sql?.Length ?? 0);
        string? previous = null;
        foreach (var token in tokens)
        {
            if (previous is not null && NeedsSpace(previous, token))
            {
                sb.Append(' ');
            }
            sb.Append(token);
            previous = token;
        }
        return sb.ToString();
    }

    private static readonly HashSet<string> Functions = new(StringComparer.OrdinalIgnoreCase) { "count", "sum", "avg", "min", "max", "coalesce", "cast" };

    private static bool NeedsSpace(string previous, string token) =>
        !(previous is "(" or "." or "::" || token is ")" or "," or "." or ";" or "::"
            || (token == "(" && IsWord(previous) && (!Keywords.Contains(previous) || Functions.Contains(previous))));

    private static bool IsWord(string token) => token.Length > 0 && (char.IsLetter(token[0]) || token[0] == '_');

    private static List<string> Tokenize(string s)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && At(s, i + 1) == '-' || c == '#' && IsMySqlComment(s, i))
            {
                while (i < s.Length && s[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && At(s, i + 1) == '*')
            {
                var end = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? s.Length : end + 2;
            }
            else if (c == '\'')
            {
                i = SkipQuoted(s, i, '\'');
                tokens.Add("?");
            }
            else if (c is '"' or '`')
            {
                var end = SkipQuoted(s, i, c);
                tokens.Add(s[i..end]);
                i = end;
            }
            else if (c == '[' && (tokens.Count == 0 || !tokens[^1].Equals("array", StringComparison.OrdinalIgnoreCase)))
            {
                var end = s.IndexOf(']', i + 1);
                end = end < 0 ? s.Length : end + 1;
                tokens.Add(s[i..end]);
                i = end;
            }
            else if (c == '$' && DollarQuoteEnd(s, i) is { } dollarEnd)
            {
                tokens.Add("?");
                i = dollarEnd;
            }
            else if (c == '$' && char.IsDigit(At(s, i + 1)))
            {
                i++;
                while (i < s.Length && char.IsDigit(s[i]))
                {
                    i++;
                }
                tokens.Add("?");
            }
            else if (char.IsDigit(c) || c == '.' && char.IsDigit(At(s, i + 1)))
            {
                i = SkipNumber(s, i);
                AddLiteral(tokens);
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '_' or '$'))
                {
                    i++;
                }
                var word = s[start..i];
                if (At(s, i) == '\'' && word.ToUpperInvariant() is "N" or "E" or "X" or "B" or "U" or "_UTF8MB4" or "_UTF8")
                {
                    i = SkipQuoted(s, i, '\'');
                    tokens.Add("?");
                }
                else if (word.Equals("true", StringComparison.OrdinalIgnoreCase) || word.Equals("false", StringComparison.OrdinalIgnoreCase))
                {
                    AddLiteral(tokens);
                }
                else
                {
                    tokens.Add(Keywords.Contains(word) ? word.ToUpperInvariant() : word);
                }
            }
            else if (c == '?')
            {
                i++;
                tokens.Add("?");
            }
            else if (c is ':' or '@' && (char.IsLetter(At(s, i + 1)) || At(s, i + 1) == '_') && (c == '@' || tokens.Count == 0 || tokens[^1] != ":"))
            {
                i++;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_'))
                {
                    i++;
                }
                tokens.Add("?");
            }
            else
            {
                var two = i + 1 < s.Length ? s.Substring(i, 2) : "";
                if (two is "<=" or ">=" or "<>" or "!=" or "||" or "::" or "->" or "@@")
                {
                    tokens.Add(two);
                    i += 2;
                }
                else
                {
                    tokens.Add(c.ToString());
                    i++;
                }
            }
        }
        return tokens;
    }

    /// <summary>A literal; a sign in front of it (= -5) belongs to the literal, not to an operator.</summary>
    private static void AddLiteral(List<string> tokens)
    {
        if (tokens.Count >= 1 && tokens[^1] is "-" or "+"
            && (tokens.Count == 1 || tokens[^2] is "(" or "," or "=" or "<" or ">" or "<=" or ">=" or "<>" or "!=" || Keywords.Contains(tokens[^2])))
        {
            tokens.RemoveAt(tokens.Count - 1);
        }
        tokens.Add("?");
    }

    /// <summary>IN (?, ?, ?) becomes IN (?); VALUES (?, ?), (?, ?) becomes VALUES (?, ?).</summary>
    private static List<string> Collapse(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            result.Add(tokens[i]);
            if (tokens[i] == "IN" && i + 1 < tokens.Count && tokens[i + 1] == "(" && ListOfPlaceholdersEnd(tokens, i + 1) is { } end)
            {
                result.AddRange(["(", "?", ")"]);
                i = end;
            }
            else if (tokens[i] == "VALUES")
            {
                var j = i + 1;
                var first = GroupEnd(tokens, j);
                if (first is null)
                {
                    continue;
                }
                var row = tokens.GetRange(j, first.Value - j + 1);
                result.AddRange(row);
                j = first.Value + 1;
                while (j + 1 < tokens.Count && tokens[j] == "," && GroupEnd(tokens, j + 1) is { } next
                    && tokens.GetRange(j + 1, next - j).SequenceEqual(row))
                {
                    j = next + 1;
                }
                i = j - 1;
            }
        }
        return result;
    }

    private static int? ListOfPlaceholdersEnd(List<string> tokens, int open)
    {
        var j = open + 1;
        if (j >= tokens.Count || tokens[j] != "?")
        {
            return null;
        }
        j++;
        while (j + 1 < tokens.Count && tokens[j] == "," && tokens[j + 1] == "?")
        {
            j += 2;
        }
        return j < tokens.Count && tokens[j] == ")" ? j : null;
    }

    private static int? GroupEnd(List<string> tokens, int open)
    {
        if (open >= tokens.Count || tokens[open] != "(")
        {
            return null;
        }
        var depth = 0;
        for (var j = open; j < tokens.Count; j++)
        {
            depth += tokens[j] == "(" ? 1 : tokens[j] == ")" ? -1 : 0;
            if (depth == 0)
            {
                return j;
            }
        }
        return null;
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    private static bool IsMySqlComment(string s, int i) => i == 0 || char.IsWhiteSpace(s[i - 1]);

    private static int SkipQuoted(string s, int i, char quote)
    {
        i++;
        while (i < s.Length)
        {
            if (s[i] == '\\' && quote == '\'' && i + 1 < s.Length)
            {
                i += 2;
                continue;
            }
            if (s[i] == quote)
            {
                if (At(s, i + 1) == quote)
                {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return s.Length;
    }

    private static int SkipNumber(string s, int i)
    {
        if (s[i] == '0' && At(s, i + 1) is 'x' or 'X')
        {
            i += 2;
            while (i < s.Length && Uri.IsHexDigit(s[i]))
            {
                i++;
            }
            return i;
        }
        while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.'))
        {
            i++;
        }
        if (At(s, i) is 'e' or 'E' && (char.IsDigit(At(s, i + 1)) || At(s, i + 1) is '+' or '-' && char.IsDigit(At(s, i + 2))))
        {
            i += 2;
            while (i < s.Length && char.IsDigit(s[i]))
            {
                i++;
            }
        }
        return i;
    }

    /// <summary>PostgreSQL dollar quoting: $$...$$ or $tag$...$tag$.</summary>
    private static int? DollarQuoteEnd(string s, int i)
    {
        var j = i + 1;
        while (j < s.Length && (char.IsLetterOrDigit(s[j]) || s[j] == '_') && !(j == i + 1 && char.IsDigit(s[j])))
        {
            j++;
        }
        if (At(s, j) != '$')
        {
            return null;
        }
        var tag = s[i..(j + 1)];
        var close = s.IndexOf(tag, j + 1, StringComparison.Ordinal);
        return close < 0 ? null : close + tag.Length;
    }
}
