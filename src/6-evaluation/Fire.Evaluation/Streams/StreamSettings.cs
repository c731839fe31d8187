using Fire.Guard;

namespace Fire.Evaluation.Streams;

/// <summary>How FIRE is evaluated on streams of one backdoored model (see <see cref="StreamExperiment"/>).</summary>
public sealed record StreamSettings
{
    /// <summary>Test images each stream is an order of (a seeded subset of the test split).</summary>
    public int Length { get; init; } = 4000;
    /// <summary>The shares p of non-target inputs that carry the trigger.</summary>
    public IReadOnlyList<double> Shares { get; init; } = [0.01, 0.05, 0.2];
    /// <summary>Flag sources: <c>oracle</c>, or a detector name (<see cref="Fire.Defenses.Baselines.InputDetectors"/>, or
    /// <c>latent</c>) with a false-positive rate, e.g. <c>strip@0.05</c>.</summary>
    public IReadOnlyList<string> Sources { get; init; } = ["oracle", "strip@0.01", "strip@0.05", "latent@0.01", "latent@0.05"];
    /// <summary>Seeded streams per (share, source).</summary>
    public int Streams { get; init; } = 3;
    public int ChunkSize { get; init; } = StreamRunner.DefaultChunkSize;
    /// <summary>Clean labelled reference images (training split), shared by FIRE and every detector's calibration.</summary>
    public int CleanCount { get; init; } = 500;
    public StreamWindows Windows { get; init; } = new();
    /// <summary>Inputs between two points of the rolling curves.</summary>
    public int CurveStep { get; init; } = 100;
    public int Seed { get; init; }
    public FireOptions Fire { get; init; } = new();

    public IReadOnlyList<FlagSourceSpec> ParsedSources => Sources.Select(FlagSourceSpec.Parse).ToList();

    public void Validate()
    {
        if (Length < 1) throw new ArgumentException($"--length must be at least 1 input, got {Length}.");
        if (Shares.Count == 0 || Shares.Any(p => !(p > 0 && p <= 1))) throw new ArgumentException($"--shares must be in (0, 1], got [{string.Join(", ", Shares)}].");
        if (Sources.Count == 0) throw new ArgumentException("--sources names no flag source.");
        _ = ParsedSources;
        if (Streams < 1) throw new ArgumentException($"--streams must be at least 1, got {Streams}.");
        if (ChunkSize < 1) throw new ArgumentException($"--chunk must be at least 1 input, got {ChunkSize}.");
        if (CleanCount < 2) throw new ArgumentException($"--clean must be at least 2 images, got {CleanCount}.");
        if (CurveStep < 1) throw new ArgumentException($"The curve step must be at least 1 input, got {CurveStep}.");
        Windows.Validate();
        Fire.Validate();
    }
}

/// <summary>A flag source named on the command line: <c>oracle</c>, or <c>DETECTOR@RATE</c> (a false-positive rate in (0, 1)).</summary>
public sealed record FlagSourceSpec(string Detector, double? FalsePositiveRate)
{
    public bool IsOracle => FalsePositiveRate is null;
    public string Name => FalsePositiveRate is double rate ? ThresholdFlags.NameFor(Detector, rate) : OracleFlags.SourceName;

    public static FlagSourceSpec Parse(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.Equals(OracleFlags.SourceName, StringComparison.OrdinalIgnoreCase)) return new(OracleFlags.SourceName, null);
        int at = trimmed.IndexOf('@');
        if (at <= 0 || !double.TryParse(trimmed[(at + 1)..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double rate)
            || !(rate > 0 && rate < 1))
            throw new ArgumentException($"Flag source '{text}' is neither 'oracle' nor DETECTOR@RATE with a false-positive rate in (0, 1), e.g. strip@0.05 or latent@0.01.");
        return new(trimmed[..at].ToLowerInvariant(), rate);
    }
}
