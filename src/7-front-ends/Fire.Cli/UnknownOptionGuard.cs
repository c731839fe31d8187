using Spectre.Console.Cli;

namespace Fire.Cli;

/// <summary>
/// Refuses options the command does not know: a mistyped option must stop the command with its name, not be
/// ignored while an hours-long job runs on defaults. (Spectre's strict parsing would do this, but it also refuses the
/// options of a branch's default command, and `fire attack --dataset ..` is one.) Arguments after `--` stay allowed.
/// </summary>
internal sealed class UnknownOptionGuard : ICommandInterceptor
{
    public void Intercept(CommandContext context, CommandSettings settings)
    {
        var unknown = settings is IClaimsOptions claims
            ? claims.Claim(context.Remaining.Parsed).ToArray()
            : context.Remaining.Parsed.Select(option => option.Key).ToArray();
        if (unknown.Length == 0) return;
        var known = OptionMessages.OptionsOf([settings.GetType()]).Keys;
        throw new ArgumentException(OptionMessages.Unknown(unknown.Select(name => name.StartsWith('-') ? name : (name.Length == 1 ? "-" : "--") + name).ToArray(), known));
    }
}
