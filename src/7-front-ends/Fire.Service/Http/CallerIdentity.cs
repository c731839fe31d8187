using Fire.Service.Security;
using Microsoft.AspNetCore.Http;

namespace Fire.Service.Http;

/// <summary>Finds the caller's key (header <c>X-Api-Key</c> or <c>Authorization: Bearer</c>) and checks an endpoint's role.</summary>
internal static class CallerIdentity
{
    private const string ItemKey = "fire.caller";

    /// <summary>The caller of this request; an unknown key is refused (401) here, before rate limiting.</summary>
    public static ApiKey Resolve(HttpContext context, KeyRing keys)
    {
        if (context.Items.TryGetValue(ItemKey, out var known) && known is ApiKey cached) return cached;
        string? secret = context.Request.Headers["X-Api-Key"].FirstOrDefault();
        string? authorization = context.Request.Headers.Authorization.FirstOrDefault();
        if (secret is null && authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            secret = authorization["Bearer ".Length..].Trim();
        ApiKey caller;
        if (string.IsNullOrEmpty(secret)) caller = keys.IsOpen ? ApiKey.Anonymous : new ApiKey("anonymous", Roles.None);
        else caller = keys.Find(secret) ?? throw new ApiException(StatusCodes.Status401Unauthorized, "The API key is not known to this service (header X-Api-Key or Authorization: Bearer).");
        context.Items[ItemKey] = caller;
        return caller;
    }

    /// <summary>401 without a key, 403 with a key that lacks <paramref name="role"/>.</summary>
    public static ApiKey Require(HttpContext context, KeyRing keys, Roles role)
    {
        var caller = Resolve(context, keys);
        if (caller.Has(role)) return caller;
        string name = role.ToString().ToLowerInvariant();
        if (caller.Roles == Roles.None)
            throw new ApiException(StatusCodes.Status401Unauthorized, $"This endpoint needs an API key with the {name} role: send it in the X-Api-Key header.");
        throw new ApiException(StatusCodes.Status403Forbidden,
            keys.IsOpen
                ? $"This service runs without API keys, which allows predictions only; the {name} role needs a key (fire serve --keys)."
                : $"The key '{caller.Id}' lacks the {name} role this endpoint needs.");
    }
}
