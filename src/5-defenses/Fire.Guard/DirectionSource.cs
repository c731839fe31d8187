namespace Fire.Guard;

/// <summary>Where trigger directions come from.</summary>
public enum DirectionSource
{
    /// <summary>Nothing observed yet.</summary>
    None,
    /// <summary>beta = mean over poisoned h - mean over clean h (sets optionally enlarged with augmentations).</summary>
    Unpaired,
    /// <summary>beta = mean over pairs of h(T(x)) - h(x).</summary>
    Paired,
}
