namespace BackendPortal.Features.Databases;

public sealed class SqlNormalizerTests
{
    [Theory]
    [InlineData("SELECT * FROM orders WHERE id = 42", "SELECT * FROM orders WHERE id = ?")]
    [InlineData("select *\n  from   orders\twhere id=42;", "SELECT * FROM orders WHERE id = ?")]
    [InlineData("SELECT name FROM users WHERE email = 'a@example.com' AND active = true", "SELECT name FROM users WHERE email = ? AND active = ?")]
    [InlineData("SELECT 1 FROM t WHERE s = 'it''s' OR s = N'x' OR s = E'a\\'b'", "SELECT ? FROM t WHERE s = ? OR s = ? OR s = ?")]
    [InlineData("SELECT * FROM t WHERE id IN (1, 2, 3, 4)", "SELECT * FROM t WHERE id IN (?)")]
    [InlineData("SELECT * FROM t WHERE id in ('a','b')", "SELECT * FROM t WHERE id IN (?)")]
    [InlineData("SELECT * FROM t WHERE v = 0xDEADBEEF OR f = 1.5e10 OR g = .5", "SELECT * FROM t WHERE v = ? OR f = ? OR g = ?")]
    [InlineData("SELECT * FROM t WHERE a = -5 AND b > +3", "SELECT * FROM t WHERE a = ? AND b > ?")]
    [InlineData("SELECT * FROM t WHERE id = $1 AND name = :name AND x = @p0 AND y = ?", "SELECT * FROM t WHERE id = ? AND name = ? AND x = ? AND y = ?")]
    [InlineData("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')", "INSERT INTO t(a, b) VALUES (?, ?)")]
    [InlineData("SELECT \"Id\" FROM \"Orders\" WHERE \"Status\" = 'open' -- hot path", "SELECT \"Id\" FROM \"Orders\" WHERE \"Status\" = ?")]
    [InlineData("/* app=orders */ SELECT count(*) FROM t", "SELECT COUNT(*) FROM t")]
    [InlineData("SELECT [Id] FROM [dbo].[Orders] WHERE [Total] > 100", "SELECT [Id] FROM [dbo].[Orders] WHERE [Total] > ?")]
    [InlineData("SELECT created::date FROM t WHERE body = $$raw 'text'$$", "SELECT created::date FROM t WHERE body = ?")]
    [InlineData("SELECT * FROM t2 WHERE col3 = 7", "SELECT * FROM t2 WHERE col3 = ?")]
    public void Normalises_literals_lists_whitespace_and_keywords(string sql, string expected) =>
        Assert.Equal(expected, SqlNormalizer.Normalize(sql));

    [Fact]
    public void The_same_statement_with_other_literals_has_one_fingerprint()
    {
        var a = SqlNormalizer.Normalize("SELECT * FROM orders WHERE customer_id = 1 AND status IN ('a', 'b')");
        var b = SqlNormalizer.Normalize("select * from orders where customer_id = 99 and status in ('c')");
        Assert.Equal(a, b);
        Assert.Equal(SqlNormalizer.Fingerprint(a), SqlNormalizer.Fingerprint(b));
        Assert.Matches("^[0-9a-f]{64}$", SqlNormalizer.Fingerprint(a));
        Assert.NotEqual(SqlNormalizer.Fingerprint(a), SqlNormalizer.Fingerprint(SqlNormalizer.Normalize("SELECT * FROM orders WHERE id = 1")));
    }

    [Fact]
    public void Unterminated_quotes_and_comments_do_not_throw()
    {
        Assert.Equal("SELECT ?", SqlNormalizer.Normalize("SELECT 'abc"));
        Assert.Equal("SELECT", SqlNormalizer.Normalize("SELECT /* never closed"));
        Assert.Equal("", SqlNormalizer.Normalize("   "));
    }
}
