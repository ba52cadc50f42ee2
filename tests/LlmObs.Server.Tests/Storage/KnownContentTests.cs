using System.Security.Cryptography;
using LlmObs.Server.Storage.Content;

namespace LlmObs.Server.Tests.Storage;

public sealed class KnownContentTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));

    [Fact]
    public void A_known_value_is_exactly_that_value_on_that_day()
    {
        var known = new KnownContent(100);
        var hash = Hash("a prompt");
        var sameStart = hash[..16] + new string('0', 48);

        known.Add(Today, hash);

        Assert.True(known.Contains(Today, hash));
        Assert.False(known.Contains(Today, sameStart));
        Assert.False(known.Contains(Today.AddDays(1), hash));
        Assert.False(known.Contains(Today, "not a sha-256"));
    }

    [Fact]
    public void It_holds_at_most_its_capacity_and_forgets_the_values_not_seen_lately()
    {
        var known = new KnownContent(10);
        var prompt = Hash("the system prompt");
        known.Add(Today, prompt);
        var once = Enumerable.Range(0, 40).Select(i => Hash("answer " + i)).ToList();
        foreach (var hash in once)
        {
            known.Add(Today, hash);
            Assert.True(known.Contains(Today, prompt)); // seen with every batch: stays known
            Assert.InRange(known.Count, 1, 10);
        }

        Assert.False(known.Contains(Today, once[0]));
        Assert.True(known.Contains(Today, once[^1]));
    }

    [Fact]
    public void Deleted_days_are_forgotten()
    {
        var known = new KnownContent(100);
        var (early, late) = (Hash("yesterday"), Hash("today"));
        known.Add(Today.AddDays(-1), early);
        known.Add(Today, late);

        known.ForgetBefore(Today);

        Assert.False(known.Contains(Today.AddDays(-1), early));
        Assert.True(known.Contains(Today, late));
        known.Forget();
        Assert.False(known.Contains(Today, late));
        Assert.Equal(0, known.Count);
    }
}
