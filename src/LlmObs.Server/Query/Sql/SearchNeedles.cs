using System.Text.Encodings.Web;
using System.Text.Json;

namespace LlmObs.Server.Query.Sql;

/// <summary>
/// The forms a searched text takes inside the stored attributes JSON. Attribute values are written with the relaxed
/// encoder (<see cref="Ingest.OtlpJson"/>); rows stored before were written with System.Text.Json's default encoder,
/// which escapes HTML-sensitive and non-ASCII characters (<c>&lt;</c> is stored as <c>\u003C</c>). Prompts and
/// completions are JSON inside that JSON, escaped twice, the inner JSON by the client's own encoder (strict like
/// .NET's, or relaxed like JavaScript's). Searching for each form finds the text as the user typed it without parsing
/// every row's JSON.
/// </summary>
internal static class SearchNeedles
{
    private static readonly JsonSerializerOptions Default = new();
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IReadOnlyList<string> For(string text)
    {
        var relaxed = Escape(text, Relaxed);
        var strict = Escape(text, Default);
        var forms = new[]
        {
            text,
            relaxed, Escape(relaxed, Relaxed), Escape(strict, Relaxed), // stored since the relaxed encoder
            strict, Escape(strict, Default), Escape(relaxed, Default), // stored before
        };
        return forms.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    // The body of a JSON string literal holding the text.
    private static string Escape(string text, JsonSerializerOptions options)
    {
        var literal = JsonSerializer.Serialize(text, options);
        return literal[1..^1];
    }
}
