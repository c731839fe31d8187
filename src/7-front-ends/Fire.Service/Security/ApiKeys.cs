using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Fire.Service.Security;

/// <summary>What a key may do. Admin may do everything.</summary>
[Flags]
public enum Roles
{
    None = 0,
    Predict = 1,
    /// <summary>Send flags: they steer the guard's repair, so only trusted callers hold this role.</summary>
    Flag = 2,
    Admin = 4,
}

/// <summary>A caller the service knows: its id (logged and audited, never the secret) and roles.</summary>
public sealed record ApiKey(string Id, Roles Roles)
{
    public bool Has(Roles role) => (Roles & Roles.Admin) != 0 || (Roles & role) == role;

    /// <summary>The caller of a service started without keys: predictions only (flags steer the model and need a key).</summary>
    public static readonly ApiKey Anonymous = new("anonymous", Roles.Predict);
}

/// <summary>
/// The API keys, from a JSON file (<c>--keys</c>) or the <c>FIRE_API_KEYS</c> environment variable holding the same JSON:
/// <c>{"keys": [{"id": "ops", "key": "at least 16 characters", "roles": ["predict", "flag", "admin"]}]}</c>.
/// Only SHA-256 digests of the secrets are kept, and lookups compare digests in constant time.
/// </summary>
public sealed class KeyRing
{
    public const string EnvironmentVariable = "FIRE_API_KEYS";
    public const int MinimumKeyLength = 16;
    private readonly List<(byte[] Digest, ApiKey Key)> _keys;

    private KeyRing(List<(byte[] Digest, ApiKey Key)> keys) => _keys = keys;

    /// <summary>No keys: every caller is <see cref="ApiKey.Anonymous"/>.</summary>
    public static readonly KeyRing Open = new([]);

    public bool IsOpen => _keys.Count == 0;
    public int Count => _keys.Count;

    /// <summary>The key whose secret is <paramref name="secret"/>, or null.</summary>
    public ApiKey? Find(string secret)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        ApiKey? found = null;
        foreach (var (stored, key) in _keys)
            if (CryptographicOperations.FixedTimeEquals(stored, digest)) found = key;
        return found;
    }

    /// <summary>From <paramref name="path"/> when given, else from <see cref="EnvironmentVariable"/> when set, else <see cref="Open"/>.</summary>
    public static KeyRing Load(string? path, string? environmentJson = null)
    {
        if (path is not null)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"--keys: no key file at '{path}'.", path);
            return Parse(File.ReadAllText(path), $"key file '{path}'");
        }
        return string.IsNullOrWhiteSpace(environmentJson) ? Open : Parse(environmentJson, $"${EnvironmentVariable}");
    }

    /// <summary>Parses the JSON of <paramref name="origin"/> (named in every error).</summary>
    public static KeyRing Parse(string json, string origin)
    {
        KeyFile? file;
        try
        {
            file = JsonSerializer.Deserialize<KeyFile>(json, FireJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{origin}: not valid JSON ({e.Message}). Expected {{\"keys\": [{{\"id\": ..., \"key\": ..., \"roles\": [\"predict\", \"flag\", \"admin\"]}}]}}.", e);
        }
        if (file?.Keys is not { Count: > 0 } entries) throw new InvalidDataException($"{origin}: no keys; give at least one under \"keys\".");
        var keys = new List<(byte[], ApiKey)>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            string where = $"{origin}, key {i + 1}";
            if (string.IsNullOrWhiteSpace(entry.Id)) throw new InvalidDataException($"{where}: \"id\" is missing.");
            if (!ids.Add(entry.Id)) throw new InvalidDataException($"{where}: the id '{entry.Id}' is used twice; ids name callers in the audit log.");
            if (entry.Key is null || entry.Key.Length < MinimumKeyLength)
                throw new InvalidDataException($"{where} ('{entry.Id}'): \"key\" must have at least {MinimumKeyLength} characters.");
            if (!secrets.Add(entry.Key)) throw new InvalidDataException($"{where} ('{entry.Id}'): the same secret is given to two ids.");
            if (entry.Roles is not { Count: > 0 }) throw new InvalidDataException($"{where} ('{entry.Id}'): \"roles\" is empty; give predict, flag and/or admin.");
            var roles = Roles.None;
            foreach (var role in entry.Roles)
                roles |= role.ToLowerInvariant() switch
                {
                    "predict" => Roles.Predict,
                    "flag" => Roles.Flag,
                    "admin" => Roles.Admin,
                    _ => throw new InvalidDataException($"{where} ('{entry.Id}'): unknown role '{role}'; the roles are predict, flag and admin."),
                };
            keys.Add((SHA256.HashData(Encoding.UTF8.GetBytes(entry.Key)), new ApiKey(entry.Id, roles)));
        }
        return new KeyRing(keys);
    }

    private sealed record KeyFile(List<KeyEntry>? Keys);
    private sealed record KeyEntry(string? Id, string? Key, List<string>? Roles);
}
