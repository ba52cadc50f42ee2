namespace LlmObs.EndToEnd.Tests;

/// <summary>The tests that share one running playground (starting it takes most of their time).</summary>
[CollectionDefinition(Name)]
public sealed class PlaygroundCollection : ICollectionFixture<PlaygroundFixture>
{
    public const string Name = "playground";
}
