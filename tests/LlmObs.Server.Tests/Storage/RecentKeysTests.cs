using LlmObs.Server.Storage;
using static LlmObs.Server.Tests.Storage.TestSpans;

namespace LlmObs.Server.Tests.Storage;

public sealed class RecentKeysTests
{
    private static readonly DateTime Start = new(2026, 11, 25, 4, 0, 0, DateTimeKind.Utc);

    private static ulong? Key() => RecentKeys.SpanKey(NewTraceId(), NewSpanId());

    [Fact]
    public void An_empty_table_covers_every_bucket_and_a_stored_row_is_no_longer_new()
    {
        var keys = new RecentKeys<ulong>(100);
        var (trace, span) = (NewTraceId(), NewSpanId());
        var second = RecentKeys.SecondOf(Start);

        Assert.True(keys.IsCertainlyNew(RecentKeys.SecondOf(Start.AddYears(-10)), RecentKeys.SpanKey(trace, span)));
        keys.Add(second, RecentKeys.SpanKey(trace, span));

        Assert.False(keys.IsCertainlyNew(second, RecentKeys.SpanKey(trace, span)));
        Assert.True(keys.IsCertainlyNew(second, RecentKeys.SpanKey(trace, NewSpanId())));
        Assert.True(keys.IsCertainlyNew(second, RecentKeys.SpanKey(NewTraceId(), span)));
    }

    [Fact]
    public void Rows_before_the_horizon_are_never_certainly_new()
    {
        var keys = new RecentKeys<ulong>(100);
        keys.Reset(RecentKeys.SecondOf(Start));

        Assert.False(keys.IsCertainlyNew(RecentKeys.SecondOf(Start.AddSeconds(-1)), Key()));
        Assert.True(keys.IsCertainlyNew(RecentKeys.SecondOf(Start), Key()));
    }

    [Fact]
    public void Past_the_capacity_the_oldest_buckets_go_and_the_horizon_moves_past_them()
    {
        var keys = new RecentKeys<ulong>(10);
        var rows = Enumerable.Range(0, 20).Select(i => (Bucket: RecentKeys.SecondOf(Start.AddSeconds(i / 2)), Key: Key())).ToList();
        foreach (var (bucket, key) in rows)
        {
            keys.Add(bucket, key);
        }

        keys.Trim();

        Assert.Equal(10, keys.Count);
        Assert.Equal(RecentKeys.SecondOf(Start.AddSeconds(5)), keys.Horizon);
        // Let go: not known any more, so not certainly new either (the anti-join decides).
        Assert.All(rows, r => Assert.False(keys.IsCertainlyNew(r.Bucket, r.Key)));
        // A row added below the horizon is not kept (the anti-join answers for it anyway).
        keys.Add(RecentKeys.SecondOf(Start), Key());
        Assert.Equal(10, keys.Count);
    }

    [Fact]
    public void Forgotten_rows_are_new_again()
    {
        var keys = new RecentKeys<ulong>(100);
        var (early, late) = (Key(), Key());
        var today = DateOnly.FromDateTime(Start);
        keys.Add(RecentKeys.DayOf(today), early);
        keys.Add(RecentKeys.DayOf(today.AddDays(1)), late);

        keys.ForgetBefore(RecentKeys.DayOf(today.AddDays(1)));

        Assert.True(keys.IsCertainlyNew(RecentKeys.DayOf(today), early));
        Assert.False(keys.IsCertainlyNew(RecentKeys.DayOf(today.AddDays(1)), late));
        keys.Forget();
        Assert.True(keys.IsCertainlyNew(RecentKeys.DayOf(today.AddDays(1)), late));
        Assert.Equal(0, keys.Count);
    }

    [Fact]
    public void The_seed_horizon_keeps_the_newest_buckets_that_fit()
    {
        var keys = new RecentKeys<ulong>(10);

        Assert.Equal(100, keys.SeedHorizon(100, [(105, 4), (103, 5)]));
        Assert.Equal(104, keys.SeedHorizon(100, [(105, 4), (104, 6), (103, 1)]));
        Assert.Equal(106, keys.SeedHorizon(100, [(105, 11)]));
    }

    [Theory]
    [InlineData("not-hex-not-hex-not-hex-not-hex!", "0123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdef", "short")]
    public void Ids_that_are_not_hex_always_take_the_anti_join(string traceId, string spanId)
    {
        var keys = new RecentKeys<ulong>(100);

        Assert.Null(RecentKeys.SpanKey(traceId, spanId));
        Assert.False(keys.IsCertainlyNew(RecentKeys.SecondOf(Start), RecentKeys.SpanKey(traceId, spanId)));
        Assert.Null(RecentKeys.ContentKey("xyz"));
    }

    [Fact]
    public void Content_keys_are_the_whole_hash_so_a_known_key_is_a_stored_value()
    {
        var keys = new RecentKeys<(UInt128, UInt128)>(100);
        var day = RecentKeys.DayOf(DateOnly.FromDateTime(Start));
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("a prompt"u8));
        var sameStart = hash[..16] + new string('0', 48);

        keys.Add(day, RecentKeys.ContentKey(hash));

        Assert.True(keys.Contains(day, RecentKeys.ContentKey(hash)));
        Assert.False(keys.IsCertainlyNew(day, RecentKeys.ContentKey(hash)));
        Assert.False(keys.Contains(day, RecentKeys.ContentKey(sameStart)));
        Assert.True(keys.IsCertainlyNew(day, RecentKeys.ContentKey(sameStart)));
        Assert.False(keys.Contains(day + 1, RecentKeys.ContentKey(hash)));
    }
}
