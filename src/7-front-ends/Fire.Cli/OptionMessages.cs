using System.Reflection;
using System.Text.RegularExpressions;
using Spectre.Console.Cli;

namespace Fire.Cli;

/// <summary>
/// Rewrites the command-line parser's terse errors into ones that name the option and the value: "Failed to convert
/// 'abc' to Nullable`1" becomes "--epochs: 'abc' is not a whole number", and a misspelt option is reported as unknown
/// with the closest known name, even where a required option's check would have run first ("--epochs is required").
/// </summary>
public static partial class OptionMessages
{
    private static string[] _args = [];

    /// <summary>Every option some command declares, with the type of its value.</summary>
    private static readonly Lazy<Dictionary<string, Type>> Known = new(() => OptionsOf(typeof(OptionMessages).Assembly.GetTypes()));

    public static void Remember(string[] args) => _args = args;

    public static string Clarify(Exception e)
    {
        if (e is CommandParseException or CommandRuntimeException || e.Message.StartsWith("Unknown option", StringComparison.Ordinal))
        {
            var unknown = Given().Where(name => !Known.Value.ContainsKey(name)).ToArray();
            if (unknown.Length > 0) return Unknown(unknown, Known.Value.Keys);
        }
        if (ConversionFailed().Match(e.Message) is { Success: true } match)
        {
            string value = match.Groups["value"].Value;
            int at = Array.FindIndex(_args, a => a == value);
            string? option = at > 0 && _args[at - 1].StartsWith("--", StringComparison.Ordinal) ? _args[at - 1] : _args.FirstOrDefault(a => a.EndsWith("=" + value, StringComparison.Ordinal))?.Split('=')[0];
            if (option is not null)
                return $"{option}: '{value}' is not {Describe(Known.Value.GetValueOrDefault(option))}. See --help for the option.";
        }
        return e.Message;
    }

    /// <summary>"Unknown option '--epoch' (did you mean '--epochs'?)": <paramref name="candidates"/> are the options that exist.</summary>
    public static string Unknown(IReadOnlyCollection<string> unknown, IEnumerable<string> candidates)
    {
        var list = candidates.ToList();
        string Name(string option)
        {
            var closest = list.Select(c => (c, d: Distance(option, c))).OrderBy(p => p.d).FirstOrDefault();
            return closest.c is not null && closest.d <= Math.Max(2, option.Length / 3) ? $"'{option}' (did you mean '{closest.c}'?)" : $"'{option}'";
        }
        return $"Unknown option{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(Name))}: the command's --help lists its options.";
    }

    /// <summary>The long option names (with their value types) declared on <paramref name="types"/> and their bases.</summary>
    public static Dictionary<string, Type> OptionsOf(IEnumerable<Type> types)
    {
        var options = new Dictionary<string, Type>(StringComparer.Ordinal) { [ErrorReporting.VerboseOption] = typeof(bool), ["--help"] = typeof(bool), ["--version"] = typeof(bool) };
        foreach (var type in types)
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                if (property.GetCustomAttribute<CommandOptionAttribute>() is { } attribute)
                    foreach (var name in attribute.LongNames) options["--" + name] = property.PropertyType;
        return options;
    }

    private static IEnumerable<string> Given() =>
        _args.TakeWhile(a => a != "--").Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2).Select(a => a.Split('=')[0]);

    private static string Describe(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (type is not null && type.IsArray) type = type.GetElementType();
        return type switch
        {
            null => "a valid value",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(double) || type == typeof(float) => "a number (use '.' as the decimal point)",
            _ when type == typeof(bool) => "true or false",
            { IsEnum: true } => $"one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}",
            _ => $"a valid {type.Name}",
        };
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int previous = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }

    [GeneratedRegex(@"Failed to convert '(?<value>.*)' to ")]
    private static partial Regex ConversionFailed();
}
