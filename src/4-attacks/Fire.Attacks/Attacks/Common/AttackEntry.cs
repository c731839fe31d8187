using Fire.Attacks.Specs;

namespace Fire.Attacks;

/// <summary>
/// One attack of the <see cref="AttackCatalog"/>: its name, a one-line description of its default trigger, its options
/// record (whose properties declare its command-line options), how to build it, and how to rebuild a saved one.
/// </summary>
public sealed class AttackEntry
{
    private readonly Func<AttackOptions, IAttackOptions, BackdoorAttack> _create;
    private readonly Func<AttackSpec, string, BackdoorAttack> _restore;

    private AttackEntry(string name, string[] aliases, string description, Type optionsType,
        Func<AttackOptions, IAttackOptions, BackdoorAttack> create, Func<AttackSpec, string, BackdoorAttack> restore)
    {
        Name = name;
        Aliases = aliases;
        Description = description;
        OptionsType = optionsType;
        Flags = AttackFlag.Of(optionsType);
        _create = create;
        _restore = restore;
    }

    /// <summary>An attack whose own options are <typeparamref name="TOptions"/>.</summary>
    /// <param name="restore">Rebuilds a saved attack from its specification and the folder of the files it names.</param>
    public static AttackEntry For<TOptions>(string name, string description, Func<AttackOptions, TOptions, BackdoorAttack> create,
        Func<AttackSpec, string, BackdoorAttack> restore, params string[] aliases) where TOptions : class, IAttackOptions, new() =>
        new(name, aliases, description, typeof(TOptions), (options, own) => create(options, (TOptions)own), restore);

    public string Name { get; }
    public IReadOnlyList<string> Aliases { get; }
    public string Description { get; }
    public Type OptionsType { get; }
    /// <summary>Its own options, in the order its record declares them.</summary>
    public IReadOnlyList<AttackFlag> Flags { get; }

    /// <summary>A new attack; its own options are <see cref="AttackOptions.Own"/> (or its defaults) changed by the flat ones given.</summary>
    public BackdoorAttack Create(AttackOptions options) => _create(options, OwnOptions(options));

    public BackdoorAttack Restore(AttackSpec spec, string directory) => _restore(spec, directory);

    /// <summary>A fresh options record at the attack's defaults.</summary>
    public IAttackOptions Defaults() => (IAttackOptions)Activator.CreateInstance(OptionsType)!;

    /// <summary>The option called <paramref name="option"/> (long name or short form), or null when the attack has none.</summary>
    public AttackFlag? Flag(string option) => Flags.FirstOrDefault(f => f.Name == option || f.Alias == option);

    /// <summary>
    /// The attack's options record: <see cref="AttackOptions.Own"/> (or the defaults), then the flat options given, then
    /// <see cref="AttackOptions.Arguments"/>. Options the attack does not take are an error that lists the ones it does.
    /// </summary>
    public IAttackOptions OwnOptions(AttackOptions options)
    {
        if (options.Own is { } own && own.GetType() != OptionsType)
            throw new ArgumentException($"The {Name} attack takes {OptionsType.Name}, not {own.GetType().Name}.");
        var flat = options.GivenFlatOptions().Select(g => (g.Option, g.Value, Flag: Flags.FirstOrDefault(f => f.Property.Name == g.Property))).ToArray();
        var foreign = flat.Where(g => g.Flag is null).Select(g => g.Option)
            .Concat(options.Arguments.Where(a => Flag(a.Option) is null).Select(a => a.Option)).ToArray();
        if (foreign.Length > 0) throw NotItsOwn(foreign);
        if (flat.Length == 0 && options.Arguments.Count == 0) return options.Own ?? Defaults();
        var result = Defaults();
        if (options.Own is not null)
            foreach (var flag in Flags) flag.Property.SetValue(result, flag.Property.GetValue(options.Own));
        foreach (var (_, value, flag) in flat) flag!.Property.SetValue(result, value);
        foreach (var (option, text) in options.Arguments)
        {
            var flag = Flag(option)!;
            flag.Property.SetValue(result, flag.Parse(text));
        }
        return result;
    }

    private ArgumentException NotItsOwn(IEnumerable<string> foreign) => new(
        $"The {Name} attack does not take {string.Join(", ", foreign)}. Its parameters: {(Flags.Count == 0 ? "none" : string.Join(", ", Flags.Select(f => f.Name)))}.");
}
