namespace Fire.Attacks;

/// <summary>
/// An attack's own options record (BadNetsOptions, WaNetOptions, ...): one property per option, each declared with
/// <see cref="AttackFlagAttribute"/>, starting at the attack's default. A new instance is the attack at its defaults.
/// </summary>
public interface IAttackOptions;
