using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fire.Core;

/// <summary>The one JSON dialect of Fire's sidecars, specifications, results files and content keys.</summary>
public static class FireJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, // metrics may be NaN (an empty split)
    };
}
