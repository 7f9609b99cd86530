namespace BackendPortal.Features.Quality;

public class FailurePatternTests
{
    [Fact]
    public void Messages_differing_only_in_numbers_ids_and_quoted_values_share_a_pattern()
    {
        Assert.Equal(QualityService.Pattern("expected 3 but was 4"), QualityService.Pattern("expected 10 but was 12"));
        Assert.Equal(
            QualityService.Pattern("Order 3f2a1c4e-1111-2222-3333-444455556666 not found"),
            QualityService.Pattern("Order 9a9a9a9a-1111-2222-3333-444455556666 not found"));
        Assert.Equal(QualityService.Pattern("Cannot find 'orders-1'"), QualityService.Pattern("Cannot find 'payments'"));
        Assert.Equal(QualityService.Pattern("Timeout\n at A.b()"), QualityService.Pattern("Timeout\n at C.d()"));
    }

    [Fact]
    public void Different_problems_stay_apart()
    {
        Assert.NotEqual(QualityService.Pattern("Connection refused"), QualityService.Pattern("expected 1 but was 2"));
        Assert.Equal("(no message)", QualityService.Pattern(null));
    }
}
