using System.Globalization;
using System.Reflection;

namespace Fire.Attacks;

/// <summary>
/// One option of an attack, read from its options record: the <see cref="AttackFlagAttribute"/> on a property and the
/// value that property starts with (the default).
/// </summary>
public sealed record AttackFlag(string Name, string? Alias, string ValueName, string Description, object? Default, PropertyInfo Property)
{
    /// <summary>The option's value type, nullable unwrapped.</summary>
    public Type ValueType => Nullable.GetUnderlyingType(Property.PropertyType) ?? Property.PropertyType;

    /// <summary>A bool option, which may be given alone to mean true.</summary>
    public bool IsSwitch => ValueType == typeof(bool);

    /// <summary>"--warp-k|-k &lt;N&gt;", "--redraw-each-epoch [BOOL]".</summary>
    public string Template => $"{(Alias is null ? "" : Alias + ", ")}{Name} {(IsSwitch ? $"[{ValueName}]" : $"<{ValueName}>")}";

    /// <summary>The description with the default, where the record states one.</summary>
    public string Help => Default is null ? Description : $"{Description.TrimEnd('.')} (default: {Format(Default)}).";

    /// <summary>The typed value of <paramref name="text"/> as given on a command line; null text means a switch given alone.</summary>
    public object Parse(string? text)
    {
        if (text is null)
            return IsSwitch ? true : throw new ArgumentException($"{Name} needs a value ({ValueName}).");
        object? value = ValueType switch
        {
            var t when t == typeof(string) => text,
            var t when t == typeof(bool) => bool.TryParse(text, out bool b) ? b : null,
            var t when t == typeof(int) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? i : null,
            var t when t == typeof(double) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : null,
            _ => throw new InvalidOperationException($"{Name}: options of type {ValueType.Name} are not supported; use string, bool, int or double."),
        };
        return value ?? throw new ArgumentException($"{Name} takes {Kind()} ({ValueName}), got '{text}'.");
    }

    /// <summary>The options of an options record type, in the order it declares them.</summary>
    public static IReadOnlyList<AttackFlag> Of(Type optionsType)
    {
        if (!typeof(IAttackOptions).IsAssignableFrom(optionsType) || optionsType.GetConstructor(Type.EmptyTypes) is null)
            throw new ArgumentException($"{optionsType.Name} is not an attack options record (an {nameof(IAttackOptions)} with a parameterless constructor).");
        var defaults = Activator.CreateInstance(optionsType);
        return optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Flag: p.GetCustomAttribute<AttackFlagAttribute>()))
            .Where(p => p.Flag is not null)
            .OrderBy(p => p.Property.MetadataToken)
            .Select(p => new AttackFlag(p.Flag!.Name, p.Flag.Alias, p.Flag.ValueName, p.Flag.Description, p.Property.GetValue(defaults), p.Property))
            .ToArray();
    }

    private string Kind() => ValueType == typeof(int) ? "a whole number" : ValueType == typeof(double) ? "a number" : "true or false";

    private static string Format(object value) => value switch
    {
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
