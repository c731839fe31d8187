using Fire.Attacks;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace Fire.Cli.Commands.AttackCommands;

/// <summary>
/// Spectre's help, and after the options of a command that builds attacks (<see cref="AttackParameterSettings"/>)
/// every attack's own options, listed from the catalog: what each record declares, with its defaults.
/// </summary>
public sealed class AttackHelpProvider(ICommandAppSettings settings) : HelpProvider(settings)
{
    public override IEnumerable<IRenderable> GetOptions(ICommandModel model, ICommandInfo? command)
    {
        foreach (var part in base.GetOptions(model, command)) yield return part;
        if (SettingsType(command) is { } type && type.IsAssignableTo(typeof(AttackParameterSettings)))
            foreach (var part in AttackSection()) yield return part;
    }

    /// <summary>The attacks, each with its description and its own options.</summary>
    public static IEnumerable<IRenderable> AttackSection()
    {
        yield return Text.NewLine;
        yield return new Markup("[yellow]ATTACK OPTIONS:[/] each attack takes only its own; unset ones keep the defaults shown.");
        yield return Text.NewLine;
        var grid = new Grid().AddColumn(new GridColumn().PadLeft(4).PadRight(4).NoWrap()).AddColumn();
        foreach (var attack in AttackCatalog.Entries)
        {
            grid.AddRow(new Markup($"[bold]{Markup.Escape(attack.Name)}[/]"), new Text(attack.Description));
            foreach (var flag in attack.Flags) grid.AddRow(new Text("  " + flag.Template), new Text(flag.Help));
        }
        yield return grid;
    }

    // Spectre's ICommandInfo does not name the settings type; the model's implementation has it as a public property.
    private static Type? SettingsType(ICommandInfo? command) => command?.GetType().GetProperty("SettingsType")?.GetValue(command) as Type;
}
