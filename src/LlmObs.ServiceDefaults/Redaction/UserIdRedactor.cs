using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Compliance.Redaction;

namespace LlmObs.Redaction;

/// <summary>
/// Turns a user id into the lowercase hex of its keyed HMAC-SHA256: the same user gets the same value under the same
/// key, so calls can be grouped by user, but the id cannot be read back nor guessed without the key.
/// </summary>
public sealed class UserIdRedactor : Redactor
{
    private const int HashChars = SHA256.HashSizeInBytes * 2;
    private readonly byte[] _key;

    /// <summary>Creates a redactor with the given key.</summary>
    /// <param name="key">The HMAC key; at least 16 characters. Share it between services so their hashes agree.</param>
    public UserIdRedactor(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key.Length < 16)
        {
            throw new ArgumentException("The user id hash key must have at least 16 characters.", nameof(key));
        }

        _key = Encoding.UTF8.GetBytes(key);
    }

    /// <summary>
    /// A redactor with a random key, used when none is configured: user ids are still never exported raw,
    /// but their hashes differ between processes and restarts.
    /// </summary>
    internal static UserIdRedactor WithRandomKey() => new(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    /// <summary>Hashes a user id.</summary>
    /// <param name="userId">The raw id.</param>
    /// <returns>64 lowercase hex characters.</returns>
    public string Hash(string userId) => Redact(userId);

    /// <inheritdoc/>
    public override int GetRedactedLength(ReadOnlySpan<char> input) => HashChars;

    /// <inheritdoc/>
    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        if (destination.Length < HashChars)
        {
            throw new ArgumentException("The destination is too small.", nameof(destination));
        }

        Span<byte> utf8 = source.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(source.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(source.Length)];
        var length = Encoding.UTF8.GetBytes(source, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, utf8[..length], hash);
        Convert.TryToHexStringLower(hash, destination, out var written);
        return written;
    }
}
