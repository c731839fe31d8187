using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Fire.Core;

/// <summary>Short, stable content keys: the leading hex digits of the SHA-256 of a JSON rendering; and a file's full SHA-256.</summary>
public static class ContentHash
{
    public const int Length = 16;

    public static string Of(params object?[] parts)
    {
        string json = JsonSerializer.Serialize(parts, FireJson.Options);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..Length];
    }

    /// <summary>The SHA-256 of a file's bytes, 64 lowercase hex digits (as `sha256sum` prints it).</summary>
    public static string OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
