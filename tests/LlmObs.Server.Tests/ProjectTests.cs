using LlmObs.Pricing;
using LlmObs.Server.Ingest;
using LlmObs.Server.Normalization;
using OpenTelemetry.Proto.Resource.V1;
using static LlmObs.Server.Tests.Infrastructure.OtlpRequests;

namespace LlmObs.Server.Tests;

/// <summary>Every span belongs to a project: the resource names it, else the request's x-project-name header, else "default".</summary>
public sealed class ProjectTests
{
    private readonly OtlpSpanMapper _mapper = new(new LlmSpanNormalizer(PriceCatalog.Default));

    private string ProjectOf(string? header, params (string Key, string Value)[] resourceAttributes)
    {
        var request = Request("svc", Span(NewTraceId(), NewSpanId(), "GET /"));
        foreach (var (key, value) in resourceAttributes)
        {
            request.ResourceSpans[0].Resource.Attributes.Add(Attribute(key, value));
        }

        return Assert.Single(_mapper.Map(request, new IngestSource(header)).Spans).Project;
    }

    [Fact]
    public void A_span_nobody_assigns_belongs_to_the_default_project() => Assert.Equal("default", ProjectOf(null));

    [Fact]
    public void The_phoenix_header_names_the_project() => Assert.Equal("checkout", ProjectOf("checkout"));

    [Fact]
    public void The_openinference_resource_attribute_names_the_project() =>
        Assert.Equal("rag-eval", ProjectOf(null, ("openinference.project.name", "rag-eval")));

    [Fact]
    public void The_llmobs_resource_attribute_names_the_project() => Assert.Equal("billing", ProjectOf(null, ("llmobs.project", "billing")));

    [Fact]
    public void A_resource_that_names_its_project_wins_over_the_batch_header() =>
        Assert.Equal("rag-eval", ProjectOf("from-header", ("openinference.project.name", "rag-eval"), ("llmobs.project", "billing")));

    [Fact]
    public void Resources_in_one_export_keep_their_own_projects()
    {
        var request = Request("a", Span(NewTraceId(), NewSpanId(), "one"));
        var second = Request("b", Span(NewTraceId(), NewSpanId(), "two")).ResourceSpans[0];
        second.Resource ??= new Resource();
        second.Resource.Attributes.Add(Attribute("llmobs.project", "second"));
        request.ResourceSpans.Add(second);

        var projects = _mapper.Map(request, new IngestSource("header")).Spans.Select(s => (s.Name, s.Project));

        Assert.Equal([("one", "header"), ("two", "second")], projects);
    }
}
