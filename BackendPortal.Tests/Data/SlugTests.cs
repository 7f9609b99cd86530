namespace BackendPortal.Data;

public class SlugTests
{
    [Theory]
    [InlineData("orders-api", true)]
    [InlineData("a", true)]
    [InlineData("Orders.API_v2", true)]
    [InlineData("-orders", false)]
    [InlineData("orders--api", false)]
    [InlineData("orders api", false)]
    [InlineData("", false)]
    public void Follows_the_Backstage_name_rule(string slug, bool valid) => Assert.Equal(valid, Slug.IsValid(slug));

    [Fact]
    public void Rejects_names_longer_than_63() => Assert.False(Slug.IsValid(new string('a', 64)));
}
