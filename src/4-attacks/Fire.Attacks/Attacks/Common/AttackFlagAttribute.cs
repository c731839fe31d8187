namespace Fire.Attacks;

/// <summary>
/// Declares one property of an attack's options record as a command-line option: the only place its name, value
/// name and help text are written. Its default is the value the record's property starts with (shown in help unless
/// null, when <paramref name="description"/> says what decides it). Error messages name the option from here too.
/// </summary>
/// <param name="name">The long option, "--patch-size".</param>
/// <param name="valueName">What the value is, "PIXELS"; ignored for bool options (given alone, they mean true).</param>
/// <param name="description">What it does, without its default.</param>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AttackFlagAttribute(string name, string valueName, string description) : Attribute
{
    public string Name { get; } = name;
    public string ValueName { get; } = valueName;
    public string Description { get; } = description;
    /// <summary>A one-letter short form, "-k", or null.</summary>
    public string? Alias { get; init; }
}
