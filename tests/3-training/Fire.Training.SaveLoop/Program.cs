// A child for kill -9 trials: `fire-save-loop STATE EPOCHS [KEEP-FOLDER] [--wait]` trains a tiny small-cnn on 8 seeded
// 16x16 images, one SGD step per epoch, and saves its training state (weights, optimizer state, sidecar:
// Checkpoint.Save through TrainingState, as `fire train` does) after every epoch, so that most of its time is spent
// saving. Started again on the same STATE it continues from the last committed save. It prints "started" once it has
// loaded the state, "saving K" as each save begins and "saved K" after it; with KEEP-FOLDER (the uninterrupted reference run) it copies every
// save's weights and optimizer state there as epoch-K.pt / epoch-K.pt.optim. At the end it prints the share of its loop
// time spent in saves. With --wait it first warms torch up (one epoch and one save in a temporary folder), prints
// "ready" and waits for a line on its standard input before it touches STATE (it ends at once if the input closes), so
// that a test can start the next child while the current one runs. Deterministic: one torch thread, seeded data,
// recipe and initialisation.
using System.Diagnostics;
using Fire.Data;
using Fire.Training;
using TorchSharp;

bool wait = args.Contains("--wait");
var positional = args.Where(a => a != "--wait").ToArray();
if (positional.Length is < 2 or > 3 || !int.TryParse(positional[1], out int epochs) || epochs < 1)
{
    Console.Error.WriteLine("usage: fire-save-loop STATE EPOCHS [KEEP-FOLDER] [--wait]");
    return 1;
}
torch.set_num_threads(1);
if (wait)
{
    var warmUp = Directory.CreateTempSubdirectory("fire-save-loop-");
    try { Train(Path.Combine(warmUp.FullName, "m.pt"), 1, keep: null, quiet: true); }
    finally { warmUp.Delete(recursive: true); }
    Console.WriteLine("ready");
    if (Console.ReadLine() is null) return 0;
}
Train(Path.GetFullPath(positional[0]), epochs, positional.Length == 3 ? positional[2] : null, quiet: false);
return 0;

static void Train(string state, int epochs, string? keep, bool quiet)
{
    const int Size = 16, Count = 8;
    var random = new Random(7);
    var pixels = new byte[Count * Size * Size];
    var labels = new int[Count];
    for (int i = 0; i < Count; i++)
    {
        labels[i] = i % 2;
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                pixels[(i * Size + y) * Size + x] = (byte)Math.Clamp((x < Size / 2 == (labels[i] == 0) ? 200 : 40) + random.Next(-30, 31), 0, 255);
    }
    var data = new ImageDataset("save-loop", pixels, labels, ["left", "right"], 1, Size, Size);
    var normalization = Normalization.Identity(1);
    var recipe = new TrainRecipe(epochs, BatchSize: Count, Seed: 3, Augmentation: Augmentation.None);
    using var net = Trainer.CreateModel("small-cnn", data, normalization, recipe.Seed);
    var training = TrainingState.Beside(state, CheckpointInfo.For(net, "save-loop", data, normalization, recipe));
    var saving = new Stopwatch();
    Trainer? trainer = null;
    trainer = new Trainer(net, recipe)
    {
        // Saved here rather than through Trainer.State (the same TrainingState.Save call) to time the saves.
        EpochCompleted = _ =>
        {
            if (!quiet) Console.WriteLine($"saving {trainer!.EpochsDone}");
            saving.Start();
            training.Save(net, trainer!);
            saving.Stop();
            if (keep is not null)
            {
                Directory.CreateDirectory(keep);
                File.Copy(training.Path, Path.Combine(keep, $"epoch-{trainer!.EpochsDone}.pt"), overwrite: true);
                File.Copy(training.Path + Checkpoint.OptimizerSuffix, Path.Combine(keep, $"epoch-{trainer!.EpochsDone}.pt.optim"), overwrite: true);
            }
            if (!quiet) Console.WriteLine($"saved {trainer!.EpochsDone}");
        },
    };
    using var disposeTrainer = trainer;
    training.TryContinue(net, trainer);
    if (!quiet) Console.WriteLine("started");
    var loop = Stopwatch.StartNew();
    trainer.Fit(data);
    if (!quiet) Console.WriteLine($"saves took {100 * saving.Elapsed / loop.Elapsed:F0} % of the loop ({loop.Elapsed.TotalMilliseconds / epochs:F1} ms an epoch, {saving.Elapsed.TotalMilliseconds / epochs:F1} ms a save)");
}
