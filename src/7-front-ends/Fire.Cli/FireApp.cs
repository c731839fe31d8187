using Fire.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fire.Cli;

/// <summary>The <c>fire</c> command line: built here so that Program.cs and the tests run the very same app.</summary>
public static class FireApp
{
    /// <summary>The configured app; <paramref name="console"/> replaces the terminal (tests pass a TestConsole).</summary>
    public static CommandApp Create(IAnsiConsole? console = null)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("fire");
            config.PropagateExceptions();
            config.SetInterceptor(new UnknownOptionGuard());
            config.SetHelpProvider(new Commands.AttackCommands.AttackHelpProvider(config.Settings));
            if (console is not null) config.ConfigureConsole(console);
            // Commands are registered here, one line each, grouped by the piece they drive.
            // Data and models
            config.AddBranch("data", data =>
            {
                data.SetDescription("Inspect the data sets.");
                data.AddCommand<DataInfoCommand>("info").WithDescription("Counts per split and class, shapes, normalisation, and a PNG grid of samples.");
                data.AddCommand<DataExportCommand>("export").WithDescription("A seeded draw of a split's images as PNG files in class folders.")
                    .WithExample("data", "export", "gtsrb", "--split", "train", "--count", "100", "--exclude", "0", "--out", "runs/gtsrb-train-100");
            });
            config.AddBranch("model", model =>
            {
                model.SetDescription("Inspect architectures and checkpoints.");
                model.AddCommand<ModelLayersCommand>("layers").WithDescription("Named layers with activation shapes and parameter counts.");
            });
            config.AddCommand<Commands.InteropCommands.ImportCommand>("import").WithDescription("A PyTorch state dict, safetensors file or BackdoorBench record as a Fire checkpoint with its sidecar.")
                .WithExample("import", "--arch", "preact-resnet18", "--weights", "attack_result.pt", "--dataset", "cifar10", "--out", "runs/bb-badnets.pt");
            config.AddBranch("export", export =>
            {
                export.SetDescription("Hand Fire's models to other tools.");
                export.AddCommand<Commands.InteropCommands.ExportPyTorchCommand>("pytorch").WithDescription("A checkpoint as a PyTorch state dict (.pt or safetensors) with the published module names.")
                    .WithExample("export", "pytorch", "runs/cifar10-preact-resnet18-badnets.pt", "--out", "preact.pt");
                export.AddCommand<Commands.ExportCommands.ExportOnnxCommand>("onnx").WithDescription("A zoo checkpoint as an ONNX graph (normalisation inside, layers named as in Fire), checked against TorchSharp.")
                    .WithExample("export", "onnx", "runs/gtsrb-small-cnn.pt", "--out", "runs/gtsrb-small-cnn.onnx");
            });
            // Training
            config.AddCommand<TrainCommand>("train").WithDescription("Train a classifier (SGD, cosine schedule), checkpointing every epoch.")
                .WithExample("train", "--dataset", "cifar10", "--model", "small-cnn", "--epochs", "30");
            config.AddCommand<EvalCommand>("eval").WithDescription("Evaluate a checkpoint on its data set's test split.");
            config.AddCommand<BenchPipelineCommand>("bench-pipeline").WithDescription("Training throughput through the data pipeline vs from tensors in memory.");
            config.AddCommand<BenchCommand>("bench").WithDescription("Benchmark matrix: defenses x attacks x models x data sets, resumable; writes JSON, docs/results.md and plots.")
                .WithExample("bench", "--datasets", "mnist", "--attacks", "badnets,blended", "--defenses", "none,fire,strip", "--epochs", "1", "--subset", "2000");
            // Attacks
            config.AddBranch("attack", attack =>
            {
                attack.SetDescription("Train backdoored models (badnets, blended, wanet, sig, iad, adaptive-blend), preview triggers, report. `fire attack --dataset ..` is `fire attack train --dataset ..`.");
                attack.SetDefaultCommand<Commands.AttackCommands.AttackCommand>();
                attack.AddCommand<Commands.AttackCommands.AttackCommand>("train").WithDescription("Train a backdoored model; print and save CA / ASR / PA with the attack specification.")
                    .WithExample("attack", "train", "--dataset", "cifar10", "--model", "small-cnn", "--attack", "badnets", "--epochs", "30");
                attack.AddCommand<Commands.AttackCommands.AttackPreviewCommand>("preview").WithDescription("A PNG grid per attack: clean | poisoned | amplified difference.");
                attack.AddCommand<Commands.AttackCommands.AttackApplyCommand>("apply").WithDescription("Apply a backdoored checkpoint's trigger to image files; write the triggered images as PNG files.")
                    .WithExample("attack", "apply", "runs/gtsrb-train-100", "--from", "runs/gtsrb-small-cnn-badnets.pt", "--out", "runs/flagged");
                attack.AddCommand<Commands.AttackCommands.AttackProbeCommand>("probe").WithDescription("Does the backdoor fire without its trigger, and does the trigger survive, under blur, resampling, noise, JPEG, ShrinkPad?")
                    .WithExample("attack", "probe", "runs/cifar10-small-cnn-wanet.pt", "--reference", "runs/cifar10-small-cnn.pt");
                attack.AddCommand<Commands.AttackCommands.AttackReportCommand>("report").WithDescription("Train a clean model and every attack with one recipe; write docs/attacks.md.");
            });
            // FIRE
            config.AddCommand<Commands.RepairCommands.DefendCommand>("defend").WithDescription("Fit FIRE to a backdoored checkpoint: CA / ASR / PA before and after, streaming curve, latent plot, latency.")
                .WithExample("defend", "--model", "runs/cifar10-small-cnn-badnets.pt", "--observed", "100");
            config.AddCommand<Commands.RepairCommands.DefendReportCommand>("defend-report").WithDescription("FIRE against every attack, paired and unpaired, k = 10 and 100, with latency; writes docs/fire.md and its plots.");
            config.AddCommand<Commands.RepairCommands.FalseFlagsCommand>("false-flags").WithDescription("FIRE given flags with no backdoor behind them (inert triggers, STRIP's false positives, one class, random) and true and mixed flags: whether it repairs, what that changes; JSON for docs/fire-false-flags.md.")
                .WithExample("false-flags", "--clean-model", "runs/mnist-clean.pt", "--backdoored", "runs/mnist-badnets.pt", "--out", "runs/false-flags-mnist.json");
            config.AddCommand<Commands.RepairCommands.StreamCommand>("stream").WithDescription("FIRE on seeded streams of test inputs, fed by flag sources (oracle, detectors at a false-positive rate, the flag-free latent rule); writes docs/autonomous.md and its plots.");
            config.AddCommand<OnnxReportCommand>("onnx-report").WithDescription("The ONNX Runtime engine on ../shared/models: parity with PyTorch, layers, speed against TorchSharp, FIRE on the backdoored fixtures; writes docs/onnx.md.");
            config.AddBranch("guard", guard =>
            {
                guard.SetDescription("FIRE for your own model and flagged images: fit a guard, then classify with it.");
                guard.AddCommand<Commands.GuardCommands.GuardFitCommand>("fit").WithDescription("Fit FIRE from the model's clean training data and images flagged as poisoned; save the guard.")
                    .WithExample("guard", "fit", "--model", "runs/gtsrb-small-cnn.pt", "--flagged", "flagged/");
                guard.AddCommand<Commands.GuardCommands.GuardObserveCommand>("observe").WithDescription("A saved guard learns from more flagged images (streaming); saved again.");
                guard.AddCommand<Commands.GuardCommands.GuardExportCommand>("export").WithDescription("Write a saved guard's repair into the model's ONNX graph (standard operators): a hardened .onnx that runs without Fire.")
                    .WithExample("guard", "export", "--model", "runs/gtsrb-small-cnn.pt", "--guard", "runs/guard-gtsrb-small-cnn.fire", "--out", "runs/gtsrb-small-cnn-fire.onnx");
                guard.AddCommand<Commands.GuardCommands.GuardPredictCommand>("predict").WithDescription("Classify images with a saved guard, beside the model's own predictions; optional CSV.")
                    .WithExample("guard", "predict", "--model", "runs/gtsrb-small-cnn.pt", "--guard", "runs/guard-gtsrb-small-cnn.fire", "inputs/");
            });
            config.AddCommand<Commands.ServeCommands.ServeCommand>("serve").WithDescription("Serve repaired predictions over HTTP; the guard learns from flagged inputs while serving (journal, audit log, API keys, metrics).")
                .WithExample("serve", "--model", "runs/mnist-small-cnn-badnets.pt", "--guard", "runs/guard-mnist-small-cnn-badnets.fire", "--keys", "keys.json");
            config.AddCommand<Commands.ServeCommands.ServeBenchCommand>("serve-bench").WithDescription("Serving benchmark on loopback: req/s and p50 / p99 at 1, 8, 32 clients with and without the guard, flags at 1/s, memory over a long run; writes docs/serving.md.");
            config.AddCommand<Commands.RepairCommands.DemoCommand>("demo").WithDescription("The whole story on a small default (about 15 minutes on 2 cores the first time, the model then cached): train a BadNets-backdoored small CNN, show the ASR, apply FIRE, show the recovery and plots.");
        });
        return app;
    }

    /// <summary>
    /// Runs the app as the <c>fire</c> executable does: Ctrl+C cancels the running command (a second Ctrl+C ends the
    /// process), and user errors become one red line and exit code 1 (written to <see cref="AnsiConsole.Console"/>).
    /// </summary>
    public static int Run(string[] args, IAnsiConsole? console = null)
    {
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = !cancellation.IsCancellationRequested;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        args = ErrorReporting.TakeVerbose(args);
        if (console is null) RedirectedWidth.Apply();
        try
        {
            return ErrorReporting.Run(() => Create(console).Run(args, cancellation.Token));
        }
        catch (OperationCanceledException)
        {
            (console ?? AnsiConsole.Console).MarkupLine("[yellow]Cancelled.[/]");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
