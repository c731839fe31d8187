namespace Fire.Cli;

/// <summary>
/// Settings that take options declared outside their class (an attack's own options, declared on its options record),
/// from those the parser left over; <see cref="UnknownOptionGuard"/> refuses only what no settings claim.
/// </summary>
public interface IClaimsOptions
{
    /// <summary>Takes the options it knows from <paramref name="remaining"/>; returns the names of the others.</summary>
    IReadOnlyList<string> Claim(ILookup<string, string?> remaining);
}
