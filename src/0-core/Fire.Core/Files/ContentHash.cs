using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Fire.Core;

/// <summary>Short, stable content keys: the leading hex digits of the SHA-256 of a JSON rendering.</summary>
public static class ContentHash
{
    public const int Length = 16;

    public static string Of(params object?[] parts)
    {
        string json = JsonSerializer.Serialize(parts, FireJson.Options);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..Length];
    }
}
