using LlmObs.Server.Storage;
using static LlmObs.Server.Tests.Storage.TestSpans;

namespace LlmObs.Server.Tests.Storage;

public sealed class RecentSpanKeysTests
{
    private static readonly DateTime Start = new(2026, 11, 25, 4, 0, 0, DateTimeKind.Utc);

    private static ulong? Key() => RecentSpanKeys.SpanKey(NewTraceId(), NewSpanId());

    [Fact]
    public void An_empty_table_covers_every_bucket_and_a_stored_row_is_no_longer_new()
    {
        var keys = new RecentSpanKeys(100);
        var (trace, span) = (NewTraceId(), NewSpanId());
        var second = RecentSpanKeys.SecondOf(Start);

        Assert.True(keys.IsCertainlyNew(RecentSpanKeys.SecondOf(Start.AddYears(-10)), RecentSpanKeys.SpanKey(trace, span)));
        keys.Add(second, RecentSpanKeys.SpanKey(trace, span));

        Assert.False(keys.IsCertainlyNew(second, RecentSpanKeys.SpanKey(trace, span)));
        Assert.True(keys.IsCertainlyNew(second, RecentSpanKeys.SpanKey(trace, NewSpanId())));
        Assert.True(keys.IsCertainlyNew(second, RecentSpanKeys.SpanKey(NewTraceId(), span)));
    }

    [Fact]
    public void Rows_before_the_horizon_are_never_certainly_new()
    {
        var keys = new RecentSpanKeys(100);
        keys.Reset(RecentSpanKeys.SecondOf(Start));

        Assert.False(keys.IsCertainlyNew(RecentSpanKeys.SecondOf(Start.AddSeconds(-1)), Key()));
        Assert.True(keys.IsCertainlyNew(RecentSpanKeys.SecondOf(Start), Key()));
    }

    [Fact]
    public void Past_the_capacity_the_oldest_buckets_go_and_the_horizon_moves_past_them()
    {
        var keys = new RecentSpanKeys(10);
        var rows = Enumerable.Range(0, 20).Select(i => (Bucket: RecentSpanKeys.SecondOf(Start.AddSeconds(i / 2)), Key: Key())).ToList();
        foreach (var (bucket, key) in rows)
        {
            keys.Add(bucket, key);
        }

        keys.Trim();

        Assert.Equal(10, keys.Count);
        Assert.Equal(RecentSpanKeys.SecondOf(Start.AddSeconds(5)), keys.Horizon);
        // Let go: not known any more, so not certainly new either (the anti-join decides).
        Assert.All(rows, r => Assert.False(keys.IsCertainlyNew(r.Bucket, r.Key)));
        // A row added below the horizon is not kept (the anti-join answers for it anyway).
        keys.Add(RecentSpanKeys.SecondOf(Start), Key());
        Assert.Equal(10, keys.Count);
    }

    [Fact]
    public void Forgotten_rows_are_new_again()
    {
        var keys = new RecentSpanKeys(100);
        var (early, late) = (Key(), Key());
        var (second, next) = (RecentSpanKeys.SecondOf(Start), RecentSpanKeys.SecondOf(Start.AddSeconds(1)));
        keys.Add(second, early);
        keys.Add(next, late);

        keys.ForgetBefore(next);

        Assert.True(keys.IsCertainlyNew(second, early));
        Assert.False(keys.IsCertainlyNew(next, late));
        keys.Forget();
        Assert.True(keys.IsCertainlyNew(next, late));
        Assert.Equal(0, keys.Count);
    }

    [Fact]
    public void The_seed_horizon_keeps_the_newest_buckets_that_fit()
    {
        var keys = new RecentSpanKeys(10);

        Assert.Equal(100, keys.SeedHorizon(100, [(105, 4), (103, 5)]));
        Assert.Equal(104, keys.SeedHorizon(100, [(105, 4), (104, 6), (103, 1)]));
        Assert.Equal(106, keys.SeedHorizon(100, [(105, 11)]));
    }

    [Theory]
    [InlineData("not-hex-not-hex-not-hex-not-hex!", "0123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdef", "short")]
    public void Ids_that_are_not_hex_always_take_the_anti_join(string traceId, string spanId)
    {
        var keys = new RecentSpanKeys(100);

        Assert.Null(RecentSpanKeys.SpanKey(traceId, spanId));
        Assert.False(keys.IsCertainlyNew(RecentSpanKeys.SecondOf(Start), RecentSpanKeys.SpanKey(traceId, spanId)));
    }
}
