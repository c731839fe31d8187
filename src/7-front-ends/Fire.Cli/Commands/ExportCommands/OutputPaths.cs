namespace Fire.Cli.Commands.ExportCommands;

/// <summary>Checks that an output path overwrites none of the command's inputs.</summary>
internal static class OutputPaths
{
    /// <summary>The full path of <paramref name="output"/>; throws when it names one of <paramref name="inputs"/> (given as the user wrote them).</summary>
    public static string Distinct(string output, string option, params string[] inputs)
    {
        string full = Path.GetFullPath(output);
        foreach (var input in inputs)
            if (string.Equals(full, Path.GetFullPath(input), StringComparison.Ordinal))
                throw new ArgumentException($"{option} '{output}' is an input of this command ({input}); choose another output file.");
        return full;
    }
}
