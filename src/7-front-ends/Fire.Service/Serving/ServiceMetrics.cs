using Prometheus;

namespace Fire.Service.Serving;

/// <summary>
/// The service's own Prometheus metrics (HTTP requests and latency per endpoint come from prometheus-net's middleware),
/// in a registry of their own so that several services in one process (tests) do not mix their counts.
/// </summary>
public sealed class ServiceMetrics
{
    public ServiceMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        Predictions = factory.CreateCounter("fire_predictions_total", "Images predicted.");
        Repaired = factory.CreateCounter("fire_predictions_repaired_total", "Images whose activation the guard changed (share repaired = this / fire_predictions_total).");
        FlagsReceived = factory.CreateCounter("fire_flags_received_total", "Images received as flags.");
        FlagsAccepted = factory.CreateCounter("fire_flags_accepted_total", "Flagged images accepted (new, journaled, observed).");
        GuardVersion = factory.CreateGauge("fire_guard_version", "Version of the guard predictions use.");
        Refits = factory.CreateCounter("fire_refits_total", "Guard updates, by whether the automatic choice ran again.", "reselected");
        RefitSeconds = factory.CreateHistogram("fire_refit_duration_seconds", "Time to observe a flag request and build the next plan.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
        RefitCpuSeconds = factory.CreateCounter("fire_refit_cpu_seconds_total", "CPU time of guard updates on the update thread (their wall time also counts waiting for a core).");
        GuardSaves = factory.CreateCounter("fire_guard_saves_total", "Guard checkpoints written (the journal holds the flags in between).");
        BatchImages = factory.CreateHistogram("fire_batch_images", "Images per model call of the dynamic batcher.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 9) });
    }

    public CollectorRegistry Registry { get; }
    public Counter Predictions { get; }
    public Counter Repaired { get; }
    public Counter FlagsReceived { get; }
    public Counter FlagsAccepted { get; }
    public Gauge GuardVersion { get; }
    public Counter Refits { get; }
    public Histogram RefitSeconds { get; }
    public Histogram BatchImages { get; }
    public Counter GuardSaves { get; }
    public Counter RefitCpuSeconds { get; }

    public void Updated(int version, double seconds, bool reselected, double cpuSeconds = double.NaN)
    {
        if (double.IsFinite(cpuSeconds)) RefitCpuSeconds.Inc(cpuSeconds);
        GuardVersion.Set(version);
        Refits.WithLabels(reselected ? "true" : "false").Inc();
        RefitSeconds.Observe(seconds);
    }
}
